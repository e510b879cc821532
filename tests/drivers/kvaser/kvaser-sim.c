/* kvaser-sim.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A simulated Kvaser CANlib for the tests: the entry points and constants
 * of canlib.h that the kvaser driver uses. Every handle that is bus on
 * hangs on one simulated cable. kvaser_sim_*() let a test look inside and
 * cause trouble.
 */

#include <string.h>

#include <glib.h>
#ifdef G_OS_WIN32
# define CALL __stdcall
# define EXPORT __declspec(dllexport)
#else
# define CALL
# define EXPORT __attribute__((visibility("default")))
#endif

#define canOK               0
#define canERR_PARAM       -1
#define canERR_NOMSG       -2
#define canERR_NOTFOUND    -3
#define canERR_INVHANDLE  -10
#define canERR_HARDWARE   -15

#define canMSG_STD         0x0002u
#define canMSG_EXT         0x0004u
#define canMSG_ERROR_FRAME 0x0020u
#define canFDMSG_FDF       0x010000u

#define MAX_HANDLES 16

typedef struct
{
  long          id;
  guint8        data[64];
  unsigned int  dlc;
  unsigned int  flags;
  guint32       time;
} Frame;

typedef struct
{
  gboolean      used;
  gboolean      on;
  int           channel;
  int           open_flags;
  long          bitrate_code;
  long          fd_code;
  unsigned int  filter_code[2], filter_mask[2];
  unsigned int  timer_scale;
  GQueue        queue;
} Handle;

static GMutex lock;
static GCond cond;
static Handle handles[MAX_HANDLES];
static gint64 start_us;
static unsigned long status_flags[8];
static gboolean unplugged[8];

static guint32
timer_us (void)
{
  return (guint32) (g_get_monotonic_time () - start_us);
}

static Handle *
lookup (int h)
{
  return h >= 0 && h < MAX_HANDLES && handles[h].used ? &handles[h] : NULL;
}

EXPORT void CALL
canInitializeLibrary (void)
{
  g_mutex_lock (&lock);
  if (start_us == 0)
    start_us = g_get_monotonic_time ();
  g_mutex_unlock (&lock);
}

EXPORT int CALL
canOpenChannel (int channel, int flags)
{
  int h = canERR_NOTFOUND;

  if (channel < 0 || channel >= 8)
    return canERR_NOTFOUND;
  g_mutex_lock (&lock);
  for (int i = 0; i < MAX_HANDLES; i++)
    if (!handles[i].used)
      {
        memset (&handles[i], 0, sizeof handles[i]);
        handles[i].used = TRUE;
        handles[i].channel = channel;
        handles[i].open_flags = flags;
        handles[i].timer_scale = 1000;
        g_queue_init (&handles[i].queue);
        unplugged[channel] = FALSE;
        status_flags[channel] = 0x08;   /* canSTAT_ERROR_ACTIVE */
        h = i;
        break;
      }
  g_mutex_unlock (&lock);
  return h;
}

EXPORT int CALL
canClose (int h)
{
  Handle *c;

  g_mutex_lock (&lock);
  c = lookup (h);
  if (c != NULL)
    {
      g_queue_clear_full (&c->queue, g_free);
      c->used = FALSE;
      c->on = FALSE;
    }
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
  return c ? canOK : canERR_INVHANDLE;
}

EXPORT int CALL
canSetBusParams (int h, long freq, unsigned int tseg1, unsigned int tseg2, unsigned int sjw,
                 unsigned int nosamp, unsigned int syncmode)
{
  Handle *c = lookup (h);

  if (c == NULL)
    return canERR_INVHANDLE;
  if (freq > -1 || freq < -9)
    return canERR_PARAM;
  c->bitrate_code = freq;
  return canOK;
}

EXPORT int CALL
canSetBusParamsFd (int h, long freq, unsigned int tseg1, unsigned int tseg2, unsigned int sjw)
{
  Handle *c = lookup (h);

  if (c == NULL)
    return canERR_INVHANDLE;
  if (!(c->open_flags & 0x0400) || freq > -1000 || freq < -1004)
    return canERR_PARAM;
  c->fd_code = freq;
  return canOK;
}

EXPORT int CALL
canBusOn (int h)
{
  Handle *c = lookup (h);

  if (c == NULL)
    return canERR_INVHANDLE;
  c->on = TRUE;
  return canOK;
}

EXPORT int CALL
canBusOff (int h)
{
  Handle *c = lookup (h);

  if (c == NULL)
    return canERR_INVHANDLE;
  c->on = FALSE;
  return canOK;
}

static gboolean
accepts (Handle       *c,
         long          id,
         unsigned int  flags)
{
  int ext = (flags & canMSG_EXT) != 0;

  return ((unsigned int) id & c->filter_mask[ext]) == (c->filter_code[ext] & c->filter_mask[ext]);
}

static void
deliver (Handle             *c,
         const Frame        *frame)
{
  Frame *copy = g_memdup2 (frame, sizeof *frame);

  copy->time = timer_us ();
  g_queue_push_tail (&c->queue, copy);
  g_cond_broadcast (&cond);
}

EXPORT int CALL
canWrite (int h, long id, void *msg, unsigned int dlc, unsigned int flags)
{
  Handle *c;
  Frame frame = { .id = id, .dlc = dlc, .flags = flags };
  int ret = canOK;

  g_mutex_lock (&lock);
  c = lookup (h);
  if (c == NULL)
    ret = canERR_INVHANDLE;
  else if (unplugged[c->channel])
    ret = canERR_HARDWARE;
  else if (dlc > ((flags & canFDMSG_FDF) ? 64u : 8u) || ((flags & canFDMSG_FDF) && !(c->open_flags & 0x0400)))
    ret = canERR_PARAM;
  else
    {
      memcpy (frame.data, msg, MIN (dlc, 64));
      for (int i = 0; i < MAX_HANDLES; i++)
        if (i != h && handles[i].used && handles[i].on && accepts (&handles[i], id, flags))
          deliver (&handles[i], &frame);
    }
  g_mutex_unlock (&lock);
  return ret;
}

EXPORT int CALL
canReadWait (int h, long *id, void *msg, unsigned int *dlc, unsigned int *flags, unsigned long *time,
             unsigned long timeout)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout * 1000;
  Handle *c;
  Frame *frame = NULL;
  int ret = canERR_NOMSG;

  g_mutex_lock (&lock);
  for (;;)
    {
      c = lookup (h);
      if (c == NULL)
        {
          ret = canERR_INVHANDLE;
          break;
        }
      if (unplugged[c->channel])
        {
          ret = canERR_HARDWARE;
          break;
        }
      if ((frame = g_queue_pop_head (&c->queue)) != NULL)
        {
          ret = canOK;
          break;
        }
      if (!g_cond_wait_until (&cond, &lock, deadline))
        break;
    }
  g_mutex_unlock (&lock);

  if (frame != NULL)
    {
      *id = frame->id;
      memcpy (msg, frame->data, frame->dlc);
      *dlc = frame->dlc;
      *flags = frame->flags;
      *time = frame->time;
      g_free (frame);
    }
  return ret;
}

EXPORT int CALL
canSetAcceptanceFilter (int h, unsigned int code, unsigned int mask, int is_extended)
{
  Handle *c = lookup (h);

  if (c == NULL)
    return canERR_INVHANDLE;
  c->filter_code[!!is_extended] = code;
  c->filter_mask[!!is_extended] = mask;
  return canOK;
}

EXPORT int CALL
canReadStatus (int h, unsigned long *flags)
{
  Handle *c = lookup (h);

  if (c == NULL)
    return canERR_INVHANDLE;
  *flags = status_flags[c->channel];
  return canOK;
}

EXPORT int CALL
canGetErrorText (int err, char *buf, unsigned int size)
{
  g_snprintf (buf, size, err == canERR_HARDWARE ? "A hardware error was detected (simulated)"
                                                : "Simulated CANlib error");
  return canOK;
}

EXPORT int CALL
canIoCtl (int h, unsigned int func, void *buf, unsigned int len)
{
  Handle *c = lookup (h);

  if (c == NULL)
    return canERR_INVHANDLE;
  if (func == 6 && len == sizeof (unsigned int))      /* canIOCTL_SET_TIMER_SCALE */
    c->timer_scale = *(unsigned int *) buf;
  else if (func == 11)                                 /* canIOCTL_FLUSH_TX_BUFFER */
    ;
  else
    return canERR_PARAM;
  return canOK;
}

EXPORT int CALL
kvReadTimer (int h, unsigned int *time)
{
  Handle *c = lookup (h);

  if (c == NULL)
    return canERR_INVHANDLE;
  /* The driver asks for microseconds; the simulation only has those. */
  if (c->timer_scale != 1)
    return canERR_PARAM;
  *time = timer_us ();
  return canOK;
}

EXPORT int CALL
canGetChannelData (int channel, int item, void *buffer, size_t size)
{
  if (item != 26)
    return canERR_PARAM;
  g_strlcpy (buffer, "Kvaser Leaf simulated", size);
  return canOK;
}

/* Controls for the tests, by channel number (first open handle). */

static Handle *
by_channel (int channel)
{
  for (int i = 0; i < MAX_HANDLES; i++)
    if (handles[i].used && handles[i].channel == channel)
      return &handles[i];
  return NULL;
}

EXPORT long
kvaser_sim_get_bitrate_code (int channel)
{
  Handle *c = by_channel (channel);
  return c ? c->bitrate_code : 0;
}

EXPORT long
kvaser_sim_get_fd_code (int channel)
{
  Handle *c = by_channel (channel);
  return c ? c->fd_code : 0;
}

EXPORT gboolean
kvaser_sim_is_open (int channel)
{
  return by_channel (channel) != NULL;
}

EXPORT void
kvaser_sim_get_filter (int channel, int extended, unsigned int *code, unsigned int *mask)
{
  Handle *c = by_channel (channel);

  *code = c->filter_code[!!extended];
  *mask = c->filter_mask[!!extended];
}

EXPORT void
kvaser_sim_inject_error_frame (int channel)
{
  Frame frame = { .flags = canMSG_ERROR_FRAME };

  g_mutex_lock (&lock);
  deliver (by_channel (channel), &frame);
  g_mutex_unlock (&lock);
}

EXPORT void
kvaser_sim_set_status (int channel, unsigned long flags)
{
  status_flags[channel] = flags;
}

EXPORT void
kvaser_sim_unplug (int channel)
{
  g_mutex_lock (&lock);
  unplugged[channel] = TRUE;
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
}
