/* ixxat-sim.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A simulated IXXAT VCI V3 library for the tests: the entry points,
 * result codes and structure layouts of vcinpl.h that the ixxat driver
 * uses. Two adapters (HW000001, HW000002) with one CAN line each, on one
 * simulated cable. ixxat_sim_*() let a test look inside and cause trouble.
 *
 * Built a second time with VCI_V4 defined, it is VCI V4's vcinpl2 for
 * CAN FD: the same names taking CANBTP bit timings, CANMSG2 with 64 data
 * bytes, CANCAPABILITIES2 and CANLINESTATUS2.
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

#define VCI_OK               0
#define VCI_E_INVALIDARG     ((gint32) 0xE0010004u)
#define VCI_E_ACCESSDENIED   ((gint32) 0xE001000Au)
#define VCI_E_TIMEOUT        ((gint32) 0xE001000Bu)
#define VCI_E_NO_MORE_ITEMS  ((gint32) 0xE001000Fu)
#define VCI_E_UNEXPECTED     ((gint32) 0xE0010001u)

#ifdef VCI_V4
typedef struct
{
  guint32 dwTime;
  guint32 dwReserved;
  guint32 dwMsgId;
  guint8  bType, bFlags2, bFlags, bAccept;
  guint8  abData[64];
} CANMSG;       /* CANMSG2 */

typedef struct
{
  guint32 dwMode, dwBPS;
  guint16 wTS1, wTS2, wSJW, wTDO;
} CANBTP;
#else
typedef struct
{
  guint32 dwTime;
  guint32 dwMsgId;
  guint8  bType, bAddFlags, bFlags, bAccept;
  guint8  abData[8];
} CANMSG;
#endif

typedef struct
{
  gint64  VciObjectId;
  guint8  DeviceClass[16];
  guint8  DriverMajorVersion, DriverMinorVersion;
  guint16 DriverBuildVersion;
  guint8  HardwareBranchVersion, HardwareMajorVersion, HardwareMinorVersion, HardwareBuildVersion;
  char    UniqueHardwareId[16];
  char    Description[128];
  char    Manufacturer[126];
  guint16 DriverReleaseVersion;
} VCIDEVICEINFO;

#ifdef VCI_V4
typedef struct
{
  guint16 wCtrlType, wBusCoupling;
  guint32 dwFeatures, dwCanClkFreq;
  CANBTP  sSdrRangeMin, sSdrRangeMax, sFdrRangeMin, sFdrRangeMax;
  guint32 dwTscClkFreq, dwTscDivisor, dwCmsClkFreq, dwCmsDivisor, dwCmsMaxTicks, dwDtxClkFreq, dwDtxDivisor,
          dwDtxMaxTicks;
} CANCAPABILITIES;      /* CANCAPABILITIES2 */

typedef struct
{
  guint8  bOpMode, bExMode, bBusLoad, bReserved;
  CANBTP  sBtpSdr, sBtpFdr;
  guint32 dwStatus;
} CANLINESTATUS;        /* CANLINESTATUS2 */
#else
typedef struct
{
  guint16 wCtrlType, wBusCoupling;
  guint32 dwFeatures, dwClockFreq, dwTscDivisor, dwCmsDivisor, dwCmsMaxTicks, dwDtxDivisor, dwDtxMaxTicks;
} CANCAPABILITIES;

typedef struct
{
  guint8  bOpMode, bBtReg0, bBtReg1, bBusLoad;
  guint32 dwStatus;
} CANLINESTATUS;
#endif

typedef struct
{
  const char *unique_id;
  gboolean    device_open;
  gboolean    control_open;
  gboolean    started;
  gboolean    channel_open;
  gboolean    active;
  gboolean    unplugged;
  guint8      mode, btr0, btr1;
#ifdef VCI_V4
  guint8      ex_mode;
  CANBTP      nominal, data;
#endif
  guint32     status;
  GQueue      queue;
} Adapter;

static GMutex lock;
static GCond cond;
static Adapter adapters[2] = { { .unique_id = "HW000001" }, { .unique_id = "HW000002" } };
static int enumerator;

EXPORT gint32 CALL vciInitialize (void) { return VCI_OK; }

EXPORT gint32 CALL
vciEnumDeviceOpen (gpointer *handle)
{
  enumerator = 0;
  *handle = &enumerator;
  return VCI_OK;
}

EXPORT gint32 CALL vciEnumDeviceClose (gpointer handle) { return VCI_OK; }

EXPORT gint32 CALL
vciEnumDeviceNext (gpointer handle, VCIDEVICEINFO *info)
{
  int *next = handle;

  if (*next >= 2)
    return VCI_E_NO_MORE_ITEMS;
  memset (info, 0, sizeof *info);
  info->VciObjectId = 100 + *next;
  g_strlcpy (info->UniqueHardwareId, adapters[*next].unique_id, sizeof info->UniqueHardwareId);
  g_strlcpy (info->Description, "USB-to-CAN simulated", sizeof info->Description);
  (*next)++;
  return VCI_OK;
}

EXPORT gint32 CALL
vciDeviceOpen (const gint64 *id, gpointer *device)
{
  if (*id < 100 || *id > 101)
    return VCI_E_INVALIDARG;
  adapters[*id - 100].device_open = TRUE;
  adapters[*id - 100].unplugged = FALSE;
  *device = &adapters[*id - 100];
  return VCI_OK;
}

EXPORT gint32 CALL
vciDeviceClose (gpointer device)
{
  ((Adapter *) device)->device_open = FALSE;
  return VCI_OK;
}

EXPORT gint32 CALL
canControlOpen (gpointer device, guint32 line, gpointer *control)
{
  Adapter *a = device;

  if (line != 0)
    return VCI_E_INVALIDARG;
  if (a->control_open)
    return VCI_E_ACCESSDENIED;
  a->control_open = TRUE;
  *control = a;
  return VCI_OK;
}

EXPORT gint32 CALL
canControlClose (gpointer control)
{
  ((Adapter *) control)->control_open = FALSE;
  return VCI_OK;
}

#ifdef VCI_V4
EXPORT gint32 CALL
canControlInitialize (gpointer control, guint8 mode, guint8 ex_mode, guint8 sf_mode, guint8 ef_mode,
                      guint32 sf_ids, guint32 ef_ids, CANBTP *nominal, CANBTP *data)
{
  Adapter *a = control;

  if (nominal == NULL || (ex_mode & 0x02 && data == NULL))
    return VCI_E_INVALIDARG;
  a->mode = mode;
  a->ex_mode = ex_mode;
  a->nominal = *nominal;
  if (data != NULL)
    a->data = *data;
  return VCI_OK;
}
#else
EXPORT gint32 CALL
canControlInitialize (gpointer control, guint8 mode, guint8 btr0, guint8 btr1)
{
  Adapter *a = control;

  a->mode = mode;
  a->btr0 = btr0;
  a->btr1 = btr1;
  return VCI_OK;
}
#endif

EXPORT gint32 CALL
canControlStart (gpointer control, int start)
{
  ((Adapter *) control)->started = start;
  return VCI_OK;
}

EXPORT gint32 CALL
canControlGetCaps (gpointer control, CANCAPABILITIES *caps)
{
  memset (caps, 0, sizeof *caps);
#ifdef VCI_V4
  caps->dwTscClkFreq = 8000000;    /* ticks of 2 µs: 8 MHz / 16 */
#else
  caps->dwClockFreq = 8000000;     /* ticks of 2 µs: 8 MHz / 16 */
#endif
  caps->dwTscDivisor = 16;
  return VCI_OK;
}

EXPORT gint32 CALL
canControlGetStatus (gpointer control, CANLINESTATUS *status)
{
  Adapter *a = control;

  memset (status, 0, sizeof *status);
  status->bOpMode = a->mode;
#ifdef VCI_V4
  status->bExMode = a->ex_mode;
  status->sBtpSdr = a->nominal;
  status->sBtpFdr = a->data;
#else
  status->bBtReg0 = a->btr0;
  status->bBtReg1 = a->btr1;
#endif
  status->dwStatus = a->status;
  return VCI_OK;
}

EXPORT gint32 CALL canControlSetAccFilter (gpointer control, int extended, guint32 code, guint32 mask) { return VCI_OK; }

EXPORT gint32 CALL
canChannelOpen (gpointer device, guint32 line, int exclusive, gpointer *channel)
{
  Adapter *a = device;

  a->channel_open = TRUE;
  g_queue_init (&a->queue);
  *channel = a;
  return VCI_OK;
}

EXPORT gint32 CALL
canChannelClose (gpointer channel)
{
  Adapter *a = channel;

  g_mutex_lock (&lock);
  a->channel_open = FALSE;
  a->active = FALSE;
  g_queue_clear_full (&a->queue, g_free);
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
  return VCI_OK;
}

#ifdef VCI_V4
EXPORT gint32 CALL
canChannelInitialize (gpointer channel, guint16 rx, guint16 rxt, guint16 tx, guint16 txt, guint32 filter_size,
                      guint8 filter_mode)
{
  return filter_mode == 0x02 ? VCI_OK : VCI_E_INVALIDARG;   /* CAN_FILTER_PASS: every frame reaches the driver */
}
#else
EXPORT gint32 CALL canChannelInitialize (gpointer channel, guint16 rx, guint16 rxt, guint16 tx, guint16 txt) { return VCI_OK; }
#endif

EXPORT gint32 CALL
canChannelActivate (gpointer channel, int enable)
{
  ((Adapter *) channel)->active = enable;
  return VCI_OK;
}

static void
deliver (Adapter      *a,
         const CANMSG *msg)
{
  CANMSG *copy = g_memdup2 (msg, sizeof *msg);

  copy->dwTime = (guint32) (g_get_monotonic_time () / 2);
  g_queue_push_tail (&a->queue, copy);
  g_cond_broadcast (&cond);
}

EXPORT gint32 CALL
canChannelReadMessage (gpointer channel, guint32 timeout, CANMSG *msg)
{
  Adapter *a = channel;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout * 1000;
  CANMSG *got = NULL;
  gint32 ret = VCI_E_TIMEOUT;

  g_mutex_lock (&lock);
  for (;;)
    {
      if (!a->channel_open || a->unplugged)
        {
          ret = VCI_E_UNEXPECTED;
          break;
        }
      if ((got = g_queue_pop_head (&a->queue)) != NULL)
        {
          ret = VCI_OK;
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
canChannelSendMessage (gpointer channel, guint32 timeout, CANMSG *msg)
{
  Adapter *a = channel;
  gint32 ret = VCI_OK;

  g_mutex_lock (&lock);
  if (!a->active || !a->started || a->unplugged)
    ret = VCI_E_UNEXPECTED;
#ifdef VCI_V4
  /* A CAN FD frame needs the controller in CAN FD mode, and a bit rate
   * switch its fast data rate. */
  else if (((msg->bFlags2 & 0x04) && !(a->ex_mode & 0x01)) || ((msg->bFlags2 & 0x08) && !(a->ex_mode & 0x02)))
    ret = VCI_E_INVALIDARG;
#endif
  else
    for (int i = 0; i < 2; i++)
      if (&adapters[i] != a && adapters[i].active)
        deliver (&adapters[i], msg);
  g_mutex_unlock (&lock);
  return ret;
}

/* Controls for the tests, by unique hardware id. */

static Adapter *
by_id (const char *unique_id)
{
  return &adapters[g_str_equal (unique_id, "HW000001") ? 0 : 1];
}

EXPORT guint16
ixxat_sim_get_btr (const char *unique_id)
{
  return by_id (unique_id)->btr0 << 8 | by_id (unique_id)->btr1;
}

EXPORT guint8
ixxat_sim_get_mode (const char *unique_id)
{
  return by_id (unique_id)->mode;
}

EXPORT gboolean
ixxat_sim_is_open (const char *unique_id)
{
  return by_id (unique_id)->device_open;
}

/* A protocol error (kind: 1 stuff, 2 form, 3 ack, 4 bit, 6 CRC). */
EXPORT void
ixxat_sim_inject_error (const char *unique_id,
                        guint8      kind)
{
  CANMSG msg = { .bType = 2, .bFlags = 2, .abData = { kind } };

  g_mutex_lock (&lock);
  deliver (by_id (unique_id), &msg);
  g_mutex_unlock (&lock);
}

EXPORT void
ixxat_sim_set_status (const char *unique_id,
                      guint32     status)
{
  CANMSG msg = { .bType = 3, .bFlags = 4, .abData = { status } };

  g_mutex_lock (&lock);
  by_id (unique_id)->status = status;
  deliver (by_id (unique_id), &msg);
  g_mutex_unlock (&lock);
}

EXPORT void
ixxat_sim_unplug (const char *unique_id)
{
  g_mutex_lock (&lock);
  by_id (unique_id)->unplugged = TRUE;
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
}

#ifdef VCI_V4
/* The bit timings canControlInitialize() was given, and its extended mode. */
EXPORT void
ixxat_sim_get_fd_timing (const char *unique_id,
                         guint32    *nominal_bps,
                         guint32    *data_bps,
                         guint8     *ex_mode)
{
  *nominal_bps = by_id (unique_id)->nominal.dwBPS;
  *data_bps = by_id (unique_id)->data.dwBPS;
  *ex_mode = by_id (unique_id)->ex_mode;
}
#endif
