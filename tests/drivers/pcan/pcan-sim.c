/* pcan-sim.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A simulated PCAN-Basic library for the tests: the entry points, constants
 * and structure layouts of PCANBasic.h that the pcan driver uses, with
 * every initialized channel on one simulated cable (a frame one channel
 * writes reaches the others). pcan_sim_*() let a test look inside and
 * cause trouble.
 */

#include <string.h>

#include <glib.h>
#ifdef G_OS_WIN32
# include <windows.h>
# define CALL __stdcall
# define EXPORT __declspec(dllexport)
#else
# include <time.h>
# include <unistd.h>
# include <glib-unix.h>
# define CALL
# define EXPORT __attribute__((visibility("default")))
#endif

typedef guint16 TPCANHandle;
typedef guint32 TPCANStatus;

#define PCAN_ERROR_OK         0x00000u
#define PCAN_ERROR_QRCVEMPTY  0x00020u
#define PCAN_ERROR_QXMTFULL   0x00080u
#define PCAN_ERROR_ILLHW      0x01400u
#define PCAN_ERROR_ILLPARAMTYPE 0x04000u
#define PCAN_ERROR_ILLPARAMVAL  0x08000u
#define PCAN_ERROR_INITIALIZE 0x4000000u

#define PCAN_MESSAGE_EXTENDED 0x02u
#define PCAN_MESSAGE_FD       0x04u
#define PCAN_MESSAGE_ERRFRAME 0x40u
#define PCAN_MESSAGE_STATUS   0x80u

#define PCAN_RECEIVE_EVENT        0x03u
#define PCAN_MESSAGE_FILTER       0x04u
#define PCAN_HARDWARE_NAME        0x0Eu
#define PCAN_ALLOW_STATUS_FRAMES  0x1Eu
#define PCAN_ALLOW_ERROR_FRAMES   0x20u

typedef struct { guint32 ID; guint8 MSGTYPE; guint8 LEN; guint8 DATA[8]; } TPCANMsg;
typedef struct { guint32 millis; guint16 millis_overflow; guint16 micros; } TPCANTimestamp;
typedef struct { guint32 ID; guint8 MSGTYPE; guint8 DLC; guint8 DATA[64]; } TPCANMsgFD;

typedef struct
{
  TPCANMsgFD msg;
  guint64    micros;
} Record;

typedef struct
{
  gboolean    initialized;
  gboolean    fd;
  gboolean    unplugged;
  guint16     btr0btr1;
  char       *fd_timing;
  GQueue      queue;
  guint8      filter;          /* 0 closed, 1 open, 2 custom */
  GArray     *ranges;          /* pairs of from, to (and mode) */
  gboolean    allow_errors;
  TPCANStatus status;
#ifdef G_OS_WIN32
  HANDLE      event;
#else
  int         pipe[2];
  gboolean    signalled;     /* a byte waits in the pipe */
#endif
} Channel;

static GMutex lock;
static Channel channels[0x900];

static guint64
boottime_us (void)
{
#ifdef G_OS_WIN32
  return (guint64) GetTickCount64 () * 1000;
#else
  struct timespec ts;

# ifdef CLOCK_BOOTTIME
  clock_gettime (CLOCK_BOOTTIME, &ts);
# else
  clock_gettime (CLOCK_MONOTONIC, &ts);
# endif
  return (guint64) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
#endif
}

static Channel *
lookup (TPCANHandle handle)
{
  return handle < G_N_ELEMENTS (channels) ? &channels[handle] : NULL;
}

/* The caller holds the lock. Level-triggered, as the real event: set
 * while the queue has frames. */
static void
signal_ready (Channel *c)
{
#ifdef G_OS_WIN32
  if (c->event != NULL)
    SetEvent (c->event);
#else
  if (c->pipe[1] >= 0 && !c->signalled)
    {
      (void) !write (c->pipe[1], "x", 1);
      c->signalled = TRUE;
    }
#endif
}

static void
drained (Channel *c)
{
#ifndef G_OS_WIN32
  char byte;

  if (c->pipe[0] >= 0 && c->queue.length == 0 && c->signalled)
    {
      (void) !read (c->pipe[0], &byte, 1);
      c->signalled = FALSE;
    }
#endif
}

static void
enqueue (Channel          *c,
         const TPCANMsgFD *msg)
{
  Record *r = g_new0 (Record, 1);

  r->msg = *msg;
  r->micros = boottime_us ();
  g_queue_push_tail (&c->queue, r);
  signal_ready (c);
}

static gboolean
passes_filter (Channel          *c,
               const TPCANMsgFD *msg)
{
  if (c->filter == 1 || (msg->MSGTYPE & (PCAN_MESSAGE_STATUS | PCAN_MESSAGE_ERRFRAME)))
    return TRUE;
  if (c->filter == 0)
    return FALSE;
  for (guint i = 0; i + 3 <= c->ranges->len; i += 3)
    {
      guint32 from = g_array_index (c->ranges, guint32, i);
      guint32 to = g_array_index (c->ranges, guint32, i + 1);
      guint32 mode = g_array_index (c->ranges, guint32, i + 2);

      if (msg->ID >= from && msg->ID <= to && !!(msg->MSGTYPE & PCAN_MESSAGE_EXTENDED) == !!(mode & 2))
        return TRUE;
    }
  return FALSE;
}

static TPCANStatus
init_common (TPCANHandle handle,
             gboolean    fd)
{
  Channel *c = lookup (handle);

  if (c == NULL)
    return PCAN_ERROR_ILLHW;
  if (c->initialized)
    return 0x00800u;     /* PCAN_ERROR_NETINUSE */

  c->initialized = TRUE;
  c->fd = fd;
  c->unplugged = FALSE;
  c->filter = 1;
  c->status = PCAN_ERROR_OK;
  if (c->ranges == NULL)
    c->ranges = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_array_set_size (c->ranges, 0);
  g_queue_init (&c->queue);
#ifdef G_OS_WIN32
  c->event = NULL;
#else
  g_unix_open_pipe (c->pipe, FD_CLOEXEC, NULL);
  c->signalled = FALSE;
#endif
  return PCAN_ERROR_OK;
}

EXPORT TPCANStatus CALL
CAN_Initialize (TPCANHandle handle, guint16 btr0btr1, guint8 hw_type, guint32 io_port, guint16 interrupt)
{
  TPCANStatus status;

  g_mutex_lock (&lock);
  status = init_common (handle, FALSE);
  if (status == PCAN_ERROR_OK)
    channels[handle].btr0btr1 = btr0btr1;
  g_mutex_unlock (&lock);
  return status;
}

EXPORT TPCANStatus CALL
CAN_InitializeFD (TPCANHandle handle, char *timing)
{
  TPCANStatus status;

  if (timing == NULL || strstr (timing, "nom_brp=") == NULL || strstr (timing, "data_brp=") == NULL)
    return PCAN_ERROR_ILLPARAMVAL;
  g_mutex_lock (&lock);
  status = init_common (handle, TRUE);
  if (status == PCAN_ERROR_OK)
    {
      g_free (channels[handle].fd_timing);
      channels[handle].fd_timing = g_strdup (timing);
    }
  g_mutex_unlock (&lock);
  return status;
}

EXPORT TPCANStatus CALL
CAN_Uninitialize (TPCANHandle handle)
{
  Channel *c = lookup (handle);

  if (c == NULL || !c->initialized)
    return PCAN_ERROR_INITIALIZE;
  g_mutex_lock (&lock);
  c->initialized = FALSE;
  g_queue_clear_full (&c->queue, g_free);
#ifndef G_OS_WIN32
  close (c->pipe[0]);
  close (c->pipe[1]);
  c->pipe[0] = c->pipe[1] = -1;
#endif
  g_mutex_unlock (&lock);
  return PCAN_ERROR_OK;
}

EXPORT TPCANStatus CALL
CAN_GetStatus (TPCANHandle handle)
{
  Channel *c = lookup (handle);

  if (c == NULL || !c->initialized)
    return PCAN_ERROR_INITIALIZE;
  if (c->unplugged)
    return PCAN_ERROR_ILLHW;
  return c->status;
}

static TPCANStatus
read_record (TPCANHandle handle,
             Record     *out,
             gboolean    fd_reader)
{
  Channel *c = lookup (handle);
  TPCANStatus status = PCAN_ERROR_QRCVEMPTY;

  g_mutex_lock (&lock);
  if (c == NULL || !c->initialized)
    status = PCAN_ERROR_INITIALIZE;
  else if (c->unplugged)
    status = PCAN_ERROR_ILLHW;
  else
    {
      Record *r;

      while ((r = g_queue_pop_head (&c->queue)) != NULL)
        {
          gboolean fits = fd_reader || !(r->msg.MSGTYPE & PCAN_MESSAGE_FD);

          if (fits)
            *out = *r;
          g_free (r);
          if (fits)
            {
              status = PCAN_ERROR_OK;
              break;
            }
        }
      drained (c);
    }
  g_mutex_unlock (&lock);
  return status;
}

EXPORT TPCANStatus CALL
CAN_Read (TPCANHandle handle, TPCANMsg *msg, TPCANTimestamp *ts)
{
  Record r;
  TPCANStatus status = read_record (handle, &r, FALSE);

  if (status != PCAN_ERROR_OK)
    return status;
  msg->ID = r.msg.ID;
  msg->MSGTYPE = r.msg.MSGTYPE;
  msg->LEN = r.msg.DLC;
  memcpy (msg->DATA, r.msg.DATA, 8);
  if (ts != NULL)
    {
      guint64 millis = r.micros / 1000;

      ts->micros = r.micros % 1000;
      ts->millis = (guint32) millis;
      ts->millis_overflow = (guint16) (millis >> 32);
    }
  return PCAN_ERROR_OK;
}

EXPORT TPCANStatus CALL
CAN_ReadFD (TPCANHandle handle, TPCANMsgFD *msg, guint64 *ts)
{
  Record r;
  TPCANStatus status = read_record (handle, &r, TRUE);

  if (status != PCAN_ERROR_OK)
    return status;
  *msg = r.msg;
  if (ts != NULL)
    *ts = r.micros;
  return PCAN_ERROR_OK;
}

static TPCANStatus
write_frame (TPCANHandle       handle,
             const TPCANMsgFD *msg)
{
  Channel *c = lookup (handle);
  TPCANStatus status = PCAN_ERROR_OK;

  g_mutex_lock (&lock);
  if (c == NULL || !c->initialized)
    status = PCAN_ERROR_INITIALIZE;
  else if (c->unplugged)
    status = PCAN_ERROR_ILLHW;
  else if ((msg->MSGTYPE & PCAN_MESSAGE_FD) && !c->fd)
    status = PCAN_ERROR_ILLPARAMVAL;
  else
    for (guint i = 0; i < G_N_ELEMENTS (channels); i++)
      if (&channels[i] != c && channels[i].initialized && !channels[i].unplugged &&
          passes_filter (&channels[i], msg))
        enqueue (&channels[i], msg);
  g_mutex_unlock (&lock);
  return status;
}

EXPORT TPCANStatus CALL
CAN_Write (TPCANHandle handle, TPCANMsg *msg)
{
  TPCANMsgFD m = { .ID = msg->ID, .MSGTYPE = msg->MSGTYPE, .DLC = msg->LEN };

  if (msg->LEN > 8)
    return PCAN_ERROR_ILLPARAMVAL;
  memcpy (m.DATA, msg->DATA, 8);
  return write_frame (handle, &m);
}

EXPORT TPCANStatus CALL
CAN_WriteFD (TPCANHandle handle, TPCANMsgFD *msg)
{
  if (msg->DLC > 15)
    return PCAN_ERROR_ILLPARAMVAL;
  return write_frame (handle, msg);
}

EXPORT TPCANStatus CALL
CAN_FilterMessages (TPCANHandle handle, guint32 from, guint32 to, guint8 mode)
{
  Channel *c = lookup (handle);
  guint32 entry[3] = { from, to, mode };

  if (c == NULL || !c->initialized)
    return PCAN_ERROR_INITIALIZE;
  g_mutex_lock (&lock);
  g_array_append_vals (c->ranges, entry, 3);
  c->filter = 2;
  g_mutex_unlock (&lock);
  return PCAN_ERROR_OK;
}

EXPORT TPCANStatus CALL
CAN_GetValue (TPCANHandle handle, guint8 parameter, void *buffer, guint32 length)
{
  Channel *c = lookup (handle);

  if (c == NULL || !c->initialized)
    return PCAN_ERROR_INITIALIZE;

  switch (parameter)
    {
#ifndef G_OS_WIN32
    case PCAN_RECEIVE_EVENT:
      if (length < sizeof (int))
        return PCAN_ERROR_ILLPARAMVAL;
      memcpy (buffer, &c->pipe[0], sizeof (int));
      return PCAN_ERROR_OK;
#endif
    case PCAN_HARDWARE_NAME:
      g_strlcpy (buffer, "PCAN-USB simulated", length);
      return PCAN_ERROR_OK;
    case PCAN_MESSAGE_FILTER:
      *(guint8 *) buffer = c->filter;
      return PCAN_ERROR_OK;
    default:
      return PCAN_ERROR_ILLPARAMTYPE;
    }
}

EXPORT TPCANStatus CALL
CAN_SetValue (TPCANHandle handle, guint8 parameter, void *buffer, guint32 length)
{
  Channel *c = lookup (handle);

  if (c == NULL || !c->initialized)
    return PCAN_ERROR_INITIALIZE;

  switch (parameter)
    {
#ifdef G_OS_WIN32
    case PCAN_RECEIVE_EVENT:
      c->event = *(HANDLE *) buffer;
      return PCAN_ERROR_OK;
#endif
    case PCAN_MESSAGE_FILTER:
      g_mutex_lock (&lock);
      c->filter = *(guint8 *) buffer;
      g_array_set_size (c->ranges, 0);
      g_mutex_unlock (&lock);
      return PCAN_ERROR_OK;
    case PCAN_ALLOW_ERROR_FRAMES:
      c->allow_errors = *(guint8 *) buffer;
      return PCAN_ERROR_OK;
    case PCAN_ALLOW_STATUS_FRAMES:
      return PCAN_ERROR_OK;
    default:
      return PCAN_ERROR_ILLPARAMTYPE;
    }
}

EXPORT TPCANStatus CALL
CAN_GetErrorText (TPCANStatus error, guint16 language, char *buffer)
{
  g_snprintf (buffer, 256, error == PCAN_ERROR_ILLHW ? "The hardware handle is invalid (simulated)"
                                                     : "Simulated PCAN status 0x%x", error);
  return PCAN_ERROR_OK;
}

/* Controls for the tests. */

EXPORT guint16
pcan_sim_get_btr0btr1 (TPCANHandle handle)
{
  return channels[handle].btr0btr1;
}

EXPORT const char *
pcan_sim_get_fd_timing (TPCANHandle handle)
{
  return channels[handle].fd_timing;
}

EXPORT guint
pcan_sim_get_n_filter_ranges (TPCANHandle handle)
{
  return channels[handle].filter == 2 ? channels[handle].ranges->len / 3 : 0;
}

EXPORT gboolean
pcan_sim_is_initialized (TPCANHandle handle)
{
  return channels[handle].initialized;
}

/* A protocol error seen on @handle's bus (kind: 1 bit, 2 form, 4 stuff). */
EXPORT void
pcan_sim_inject_error_frame (TPCANHandle handle,
                             guint8      kind)
{
  TPCANMsgFD m = { .ID = kind, .MSGTYPE = PCAN_MESSAGE_ERRFRAME, .DLC = 4 };

  g_mutex_lock (&lock);
  if (channels[handle].allow_errors)
    enqueue (&channels[handle], &m);
  g_mutex_unlock (&lock);
}

/* The controller changes state; a status message announces it. */
EXPORT void
pcan_sim_set_status (TPCANHandle handle,
                     TPCANStatus status)
{
  TPCANMsgFD m = { .MSGTYPE = PCAN_MESSAGE_STATUS, .DLC = 4 };

  g_mutex_lock (&lock);
  channels[handle].status = status;
  enqueue (&channels[handle], &m);
  g_mutex_unlock (&lock);
}

/* The adapter is pulled out: every call fails, a waiting reader wakes. */
EXPORT void
pcan_sim_unplug (TPCANHandle handle)
{
  TPCANMsgFD m = { 0 };

  g_mutex_lock (&lock);
  channels[handle].unplugged = TRUE;
  enqueue (&channels[handle], &m);
  g_mutex_unlock (&lock);
}
