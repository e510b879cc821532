/* usb2can-sim.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A simulated usb2can CANAL library for the tests: the entry points,
 * constants and structure layouts of canal.h that the usb2can driver uses.
 * Every open adapter hangs on one simulated cable. usb2can_sim_*() let a
 * test look inside and cause trouble.
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

#define CANAL_ERROR_SUCCESS     0
#define CANAL_ERROR_PARAMETER   1
#define CANAL_ERROR_HARDWARE   13
#define CANAL_ERROR_TIMEOUT    32
#define CANAL_IDFLAG_STATUS    0x4u

typedef struct
{
  guint32 flags;
  guint32 obid;
  guint32 id;
  guint8  sizeData;
  guint8  data[8];
  guint32 timestamp;
} canalMsg;

typedef struct
{
  guint32 channel_status;
  guint32 lasterrorcode;
  guint32 lasterrorsubcode;
  char    lasterrorstr[80];
} canalStatus;

#define MAX_ADAPTERS 8

typedef struct
{
  gboolean  open;
  gboolean  unplugged;
  char     *config;
  guint32   status;
  GQueue    queue;
} Adapter;

static GMutex lock;
static GCond cond;
static Adapter adapters[MAX_ADAPTERS];

static Adapter *
lookup (gint32 handle)
{
  return handle >= 1 && handle <= MAX_ADAPTERS && adapters[handle - 1].open ? &adapters[handle - 1] : NULL;
}

EXPORT gint32 CALL
CanalOpen (const char *config, guint32 flags)
{
  gint32 handle = 0;
  unsigned int kbps = 0;
  const char *semicolon = config ? strchr (config, ';') : NULL;

  /* "serial; kbit/s" */
  if (semicolon == NULL || sscanf (semicolon + 1, " %u", &kbps) != 1 || kbps == 0 ||
      !g_str_has_prefix (config, "SIM"))
    return -1;

  g_mutex_lock (&lock);
  for (int i = 0; i < MAX_ADAPTERS; i++)
    if (!adapters[i].open)
      {
        adapters[i].open = TRUE;
        adapters[i].unplugged = FALSE;
        adapters[i].status = 0x10000000u;     /* CANAL_STATUS_ACTIVE */
        g_free (adapters[i].config);
        adapters[i].config = g_strdup (config);
        g_queue_init (&adapters[i].queue);
        handle = i + 1;
        break;
      }
  g_mutex_unlock (&lock);
  return handle;
}

EXPORT gint32 CALL
CanalClose (gint32 handle)
{
  Adapter *a;

  g_mutex_lock (&lock);
  a = lookup (handle);
  if (a != NULL)
    {
      a->open = FALSE;
      g_queue_clear_full (&a->queue, g_free);
    }
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
  return a ? CANAL_ERROR_SUCCESS : CANAL_ERROR_PARAMETER;
}

static void
deliver (Adapter        *a,
         const canalMsg *msg)
{
  canalMsg *copy = g_memdup2 (msg, sizeof *msg);

  copy->timestamp = (guint32) g_get_monotonic_time ();
  g_queue_push_tail (&a->queue, copy);
  g_cond_broadcast (&cond);
}

EXPORT gint32 CALL
CanalSend (gint32 handle, canalMsg *msg)
{
  Adapter *a;
  gint32 ret = CANAL_ERROR_SUCCESS;

  g_mutex_lock (&lock);
  a = lookup (handle);
  if (a == NULL || msg->sizeData > 8)
    ret = CANAL_ERROR_PARAMETER;
  else if (a->unplugged)
    ret = CANAL_ERROR_HARDWARE;
  else
    for (int i = 0; i < MAX_ADAPTERS; i++)
      if (&adapters[i] != a && adapters[i].open && !adapters[i].unplugged)
        deliver (&adapters[i], msg);
  g_mutex_unlock (&lock);
  return ret;
}

EXPORT gint32 CALL
CanalBlockingReceive (gint32 handle, canalMsg *msg, guint32 timeout)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout * 1000;
  canalMsg *got = NULL;
  gint32 ret = CANAL_ERROR_TIMEOUT;

  g_mutex_lock (&lock);
  for (;;)
    {
      Adapter *a = lookup (handle);

      if (a == NULL)
        {
          ret = CANAL_ERROR_PARAMETER;
          break;
        }
      if (a->unplugged)
        {
          ret = CANAL_ERROR_HARDWARE;
          break;
        }
      if ((got = g_queue_pop_head (&a->queue)) != NULL)
        {
          ret = CANAL_ERROR_SUCCESS;
          break;
        }
      if (!g_cond_wait_until (&cond, &lock, deadline))
        break;
    }
  g_mutex_unlock (&lock);

  if (got != NULL)
    {
      *msg = *got;
      g_free (got);
    }
  return ret;
}

EXPORT gint32 CALL
CanalGetStatus (gint32 handle, canalStatus *status)
{
  Adapter *a = lookup (handle);

  if (a == NULL)
    return CANAL_ERROR_PARAMETER;
  memset (status, 0, sizeof *status);
  status->channel_status = a->status;
  return CANAL_ERROR_SUCCESS;
}

/* Controls for the tests, by serial number. */

static Adapter *
by_serial (const char *serial)
{
  for (int i = 0; i < MAX_ADAPTERS; i++)
    if (adapters[i].open && g_str_has_prefix (adapters[i].config, serial))
      return &adapters[i];
  return NULL;
}

EXPORT const char *
usb2can_sim_get_config (const char *serial)
{
  Adapter *a = by_serial (serial);
  return a ? a->config : NULL;
}

/* The controller changes state and says so with a status message. */
EXPORT void
usb2can_sim_set_status (const char *serial,
                        guint32     channel_status)
{
  canalMsg msg = { .flags = CANAL_IDFLAG_STATUS };

  g_mutex_lock (&lock);
  by_serial (serial)->status = channel_status;
  deliver (by_serial (serial), &msg);
  g_mutex_unlock (&lock);
}

EXPORT void
usb2can_sim_unplug (const char *serial)
{
  g_mutex_lock (&lock);
  by_serial (serial)->unplugged = TRUE;
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
}
