/* nican-sim.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A simulated NI-CAN Frame API for the tests: the entry points, attribute
 * ids and frame layouts of nican.h that the nican driver uses. Every open
 * interface (CAN0 … CAN7) hangs on one simulated cable. nican_sim_*() let
 * a test look inside and cause trouble.
 */

#include <stdio.h>
#include <string.h>

#include <glib.h>
#ifdef G_OS_WIN32
# define CALL __stdcall
# define EXPORT __declspec(dllexport)
#else
# define CALL
# define EXPORT __attribute__((visibility("default")))
#endif

#define NC_SUCCESS          0
#define NC_ERR_TIMEOUT      (-1074388991)
#define NC_ERR_NOT_FOUND    (-1074388976)
#define NC_ERR_HARDWARE     (-1074388960)
#define NC_ATTR_BAUD_RATE   0x80000007u
#define NC_ATTR_LOG_COMM_ERRS 0x8001000Au
#define FILETIME_UNIX_EPOCH G_GUINT64_CONSTANT (116444736000000000)

#pragma pack(push, 1)
typedef struct
{
  guint64 timestamp;
  guint32 arb_id;
  guint8  frame_type;
  guint8  dlc;
  guint8  data[8];
} RxFrame;
#pragma pack(pop)

typedef struct
{
  guint32 arb_id;
  guint8  is_remote;
  guint8  dlc;
  guint8  data[8];
} TxFrame;

typedef struct
{
  gboolean configured;
  gboolean open;
  gboolean unplugged;
  guint32  baud;
  guint32  log_errors;
  GQueue   queue;
} Interface;

static GMutex lock;
static GCond cond;
static Interface interfaces[8];

static int
index_of (const char *name)
{
  int n;

  if (name == NULL || sscanf (name, "CAN%d", &n) != 1 || n < 0 || n >= 8)
    return -1;
  return n;
}

static Interface *
lookup (guint32 handle)
{
  return handle >= 1 && handle <= 8 && interfaces[handle - 1].open ? &interfaces[handle - 1] : NULL;
}

EXPORT gint32 CALL
ncConfig (char *name, guint32 n_attrs, guint32 *ids, guint32 *values)
{
  int i = index_of (name);

  if (i < 0)
    return NC_ERR_NOT_FOUND;
  interfaces[i].configured = TRUE;
  for (guint32 k = 0; k < n_attrs; k++)
    {
      if (ids[k] == NC_ATTR_BAUD_RATE)
        interfaces[i].baud = values[k];
      else if (ids[k] == NC_ATTR_LOG_COMM_ERRS)
        interfaces[i].log_errors = values[k];
    }
  return NC_SUCCESS;
}

EXPORT gint32 CALL
ncOpenObject (char *name, guint32 *handle)
{
  int i = index_of (name);

  if (i < 0 || !interfaces[i].configured)
    return NC_ERR_NOT_FOUND;
  g_mutex_lock (&lock);
  interfaces[i].open = TRUE;
  interfaces[i].unplugged = FALSE;
  g_queue_init (&interfaces[i].queue);
  g_mutex_unlock (&lock);
  *handle = i + 1;
  return NC_SUCCESS;
}

EXPORT gint32 CALL
ncCloseObject (guint32 handle)
{
  Interface *it;

  g_mutex_lock (&lock);
  it = lookup (handle);
  if (it != NULL)
    {
      it->open = FALSE;
      it->configured = FALSE;
      g_queue_clear_full (&it->queue, g_free);
    }
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
  return it ? NC_SUCCESS : NC_ERR_NOT_FOUND;
}

EXPORT gint32 CALL
ncAction (guint32 handle, guint32 opcode, guint32 param)
{
  return lookup (handle) ? NC_SUCCESS : NC_ERR_NOT_FOUND;
}

static void
deliver (Interface     *it,
         const RxFrame *frame)
{
  RxFrame *copy = g_memdup2 (frame, sizeof *frame);

  copy->timestamp = (guint64) g_get_real_time () * 10 + FILETIME_UNIX_EPOCH;
  g_queue_push_tail (&it->queue, copy);
  g_cond_broadcast (&cond);
}

EXPORT gint32 CALL
ncWrite (guint32 handle, guint32 size, void *data)
{
  TxFrame *tx = data;
  RxFrame rx = { 0 };
  Interface *it;
  gint32 ret = NC_SUCCESS;

  if (size != sizeof (TxFrame) || tx->dlc > 8)
    return NC_ERR_NOT_FOUND;
  rx.arb_id = tx->arb_id;
  rx.frame_type = tx->is_remote ? 1 : 0;
  rx.dlc = tx->dlc;
  memcpy (rx.data, tx->data, 8);

  g_mutex_lock (&lock);
  it = lookup (handle);
  if (it == NULL || it->unplugged)
    ret = NC_ERR_HARDWARE;
  else
    for (int i = 0; i < 8; i++)
      if (&interfaces[i] != it && interfaces[i].open && !interfaces[i].unplugged)
        deliver (&interfaces[i], &rx);
  g_mutex_unlock (&lock);
  return ret;
}

EXPORT gint32 CALL
ncWaitForState (guint32 handle, guint32 desired, guint32 timeout, guint32 *state)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout * 1000;
  gint32 ret = NC_ERR_TIMEOUT;

  g_mutex_lock (&lock);
  for (;;)
    {
      Interface *it = lookup (handle);

      if (it == NULL || it->unplugged)
        {
          ret = NC_ERR_HARDWARE;
          break;
        }
      if (it->queue.length > 0)
        {
          *state = 1;     /* NC_ST_READ_AVAIL */
          ret = NC_SUCCESS;
          break;
        }
      if (!g_cond_wait_until (&cond, &lock, deadline))
        break;
    }
  g_mutex_unlock (&lock);
  return ret;
}

EXPORT gint32 CALL
ncRead (guint32 handle, guint32 size, void *data)
{
  RxFrame *frame = NULL;
  Interface *it;

  if (size != sizeof (RxFrame))
    return NC_ERR_NOT_FOUND;
  g_mutex_lock (&lock);
  it = lookup (handle);
  if (it != NULL)
    frame = g_queue_pop_head (&it->queue);
  g_mutex_unlock (&lock);
  if (frame == NULL)
    return NC_ERR_HARDWARE;
  memcpy (data, frame, sizeof *frame);
  g_free (frame);
  return NC_SUCCESS;
}

EXPORT void CALL
ncStatusToString (gint32 status, guint32 size, char *text)
{
  g_snprintf (text, size, status == NC_ERR_HARDWARE ? "Hardware failure (simulated)" : "Simulated NI-CAN status");
}

/* Controls for the tests, by interface name. */

static Interface *
by_name (const char *name)
{
  int i = index_of (name);

  g_assert (i >= 0);
  return &interfaces[i];
}

EXPORT guint32
nican_sim_get_baud (const char *name)
{
  return by_name (name)->baud;
}

EXPORT void
nican_sim_inject_comm_error (const char *name)
{
  RxFrame frame = { .frame_type = 2, .dlc = 4 };

  g_mutex_lock (&lock);
  if (by_name (name)->log_errors)
    deliver (by_name (name), &frame);
  g_mutex_unlock (&lock);
}

EXPORT gboolean
nican_sim_is_open (const char *name)
{
  return by_name (name)->open;
}

EXPORT void
nican_sim_unplug (const char *name)
{
  g_mutex_lock (&lock);
  by_name (name)->unplugged = TRUE;
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
}
