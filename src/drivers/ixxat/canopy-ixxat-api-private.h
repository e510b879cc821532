/* canopy-ixxat-api-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The part of IXXAT's VCI C API the ixxat driver calls, declared from
 * HMS's documentation: HRESULT codes, CANMSG and the device information it
 * enumerates (VCI V3, vcinpl.h), and for CAN FD VCI V4's vcinpl2.h, whose
 * library exports the same entry-point names with wider arguments:
 * CANBTP bit timings, CANMSG2 with 64 data bytes, CANCAPABILITIES2 and
 * CANLINESTATUS2. */

#ifdef G_OS_WIN32
# define CANOPY_VCI_CALL __stdcall
#else
# define CANOPY_VCI_CALL
#endif

typedef gint32   CanopyVciResult;
typedef gpointer CanopyVciHandle;

#define CANOPY_VCI_OK                 0
#define CANOPY_VCI_E_TIMEOUT          ((gint32) 0xE001000Bu)
#define CANOPY_VCI_E_NO_MORE_ITEMS    ((gint32) 0xE001000Fu)
#define CANOPY_VCI_E_RXQUEUE_EMPTY    ((gint32) 0xE0010012u)
#define CANOPY_VCI_E_TXQUEUE_FULL     ((gint32) 0xE0010013u)

#define CANOPY_CAN_OPMODE_STANDARD    0x01u
#define CANOPY_CAN_OPMODE_EXTENDED    0x02u
#define CANOPY_CAN_OPMODE_ERRFRAME    0x04u

#define CANOPY_CAN_MSGTYPE_DATA       0
#define CANOPY_CAN_MSGTYPE_INFO       1
#define CANOPY_CAN_MSGTYPE_ERROR      2
#define CANOPY_CAN_MSGTYPE_STATUS     3
#define CANOPY_CAN_MSGTYPE_TIMEOVR    5

#define CANOPY_CAN_MSGFLAGS_DLC       0x0Fu
#define CANOPY_CAN_MSGFLAGS_OVR       0x10u
#define CANOPY_CAN_MSGFLAGS_RTR       0x40u
#define CANOPY_CAN_MSGFLAGS_EXT       0x80u

/* VCI V4: extended operating modes, filter modes, bit timing modes and
 * the CAN FD bits of CANMSGINFO's second byte (bAddFlags, bFlags2). */
#define CANOPY_CAN_EXMODE_EXTDATALEN  0x01u
#define CANOPY_CAN_EXMODE_FASTDATA    0x02u
#define CANOPY_CAN_FILTER_PASS        0x02u
#define CANOPY_CAN_BTMODE_BITRATE     0x00u   /* dwBPS is the bit rate, not a prescaler */
#define CANOPY_CAN_MSGFLAGS2_EDL      0x04u
#define CANOPY_CAN_MSGFLAGS2_FDR      0x08u
#define CANOPY_CAN_MSGFLAGS2_ESI      0x10u

#define CANOPY_CAN_STATUS_OVRRUN      0x02u
#define CANOPY_CAN_STATUS_ERRLIM      0x04u
#define CANOPY_CAN_STATUS_BUSOFF      0x08u

typedef struct
{
  guint32 time;
  guint32 id;
  guint8  type;         /* CANMSGINFO, byte by byte */
  guint8  add_flags;
  guint8  flags;
  guint8  accept;
  guint8  data[8];
} CanopyVciCanMsg;

/* CANMSG2 (VCI V4). */
typedef struct
{
  guint32 time;
  guint32 reserved;
  guint32 id;
  guint8  type;
  guint8  add_flags;
  guint8  flags;
  guint8  accept;
  guint8  data[64];
} CanopyVciCanMsg2;

/* CANBTP (VCI V4): one bit timing, nominal or data phase. */
typedef struct
{
  guint32 mode;
  guint32 bps;
  guint16 ts1;
  guint16 ts2;
  guint16 sjw;
  guint16 tdo;
} CanopyVciBitTiming;

typedef struct
{
  gint64  object_id;    /* VCIID */
  guint8  device_class[16];
  guint8  driver_major, driver_minor;
  guint16 driver_build;
  guint8  hardware_branch, hardware_major, hardware_minor, hardware_build;
  char    unique_hardware_id[16];
  char    description[128];
  char    manufacturer[126];
  guint16 driver_release;
} CanopyVciDeviceInfo;

typedef struct
{
  guint16 ctrl_type;
  guint16 bus_coupling;
  guint32 features;
  guint32 clock_freq;
  guint32 tsc_divisor;
  guint32 cms_divisor;
  guint32 cms_max_ticks;
  guint32 dtx_divisor;
  guint32 dtx_max_ticks;
} CanopyVciCapabilities;

typedef struct
{
  guint8  op_mode;
  guint8  bt_reg0;
  guint8  bt_reg1;
  guint8  bus_load;
  guint32 status;
} CanopyVciLineStatus;

/* CANCAPABILITIES2 (VCI V4). */
typedef struct
{
  guint16            ctrl_type;
  guint16            bus_coupling;
  guint32            features;
  guint32            can_clock_freq;
  CanopyVciBitTiming sdr_range_min, sdr_range_max;
  CanopyVciBitTiming fdr_range_min, fdr_range_max;
  guint32            tsc_clock_freq;
  guint32            tsc_divisor;
  guint32            cms_clock_freq;
  guint32            cms_divisor;
  guint32            cms_max_ticks;
  guint32            dtx_clock_freq;
  guint32            dtx_divisor;
  guint32            dtx_max_ticks;
} CanopyVciCapabilities2;

/* CANLINESTATUS2 (VCI V4). */
typedef struct
{
  guint8             op_mode;
  guint8             ex_mode;
  guint8             bus_load;
  guint8             reserved;
  CanopyVciBitTiming sdr;
  CanopyVciBitTiming fdr;
  guint32            status;
} CanopyVciLineStatus2;

typedef struct
{
  CanopyVciResult (CANOPY_VCI_CALL *initialize)          (void);
  CanopyVciResult (CANOPY_VCI_CALL *enum_device_open)    (CanopyVciHandle *);
  CanopyVciResult (CANOPY_VCI_CALL *enum_device_close)   (CanopyVciHandle);
  CanopyVciResult (CANOPY_VCI_CALL *enum_device_next)    (CanopyVciHandle, CanopyVciDeviceInfo *);
  CanopyVciResult (CANOPY_VCI_CALL *device_open)         (const gint64 *, CanopyVciHandle *);
  CanopyVciResult (CANOPY_VCI_CALL *device_close)        (CanopyVciHandle);
  CanopyVciResult (CANOPY_VCI_CALL *control_open)        (CanopyVciHandle, guint32, CanopyVciHandle *);
  CanopyVciResult (CANOPY_VCI_CALL *control_close)       (CanopyVciHandle);
  CanopyVciResult (CANOPY_VCI_CALL *control_initialize)  (CanopyVciHandle, guint8, guint8, guint8);
  CanopyVciResult (CANOPY_VCI_CALL *control_start)       (CanopyVciHandle, int);
  CanopyVciResult (CANOPY_VCI_CALL *control_get_caps)    (CanopyVciHandle, CanopyVciCapabilities *);
  CanopyVciResult (CANOPY_VCI_CALL *control_get_status)  (CanopyVciHandle, CanopyVciLineStatus *);
  CanopyVciResult (CANOPY_VCI_CALL *control_set_acc_filter) (CanopyVciHandle, int, guint32, guint32);
  CanopyVciResult (CANOPY_VCI_CALL *channel_open)        (CanopyVciHandle, guint32, int, CanopyVciHandle *);
  CanopyVciResult (CANOPY_VCI_CALL *channel_close)       (CanopyVciHandle);
  CanopyVciResult (CANOPY_VCI_CALL *channel_initialize)  (CanopyVciHandle, guint16, guint16, guint16, guint16);
  CanopyVciResult (CANOPY_VCI_CALL *channel_activate)    (CanopyVciHandle, int);
  CanopyVciResult (CANOPY_VCI_CALL *channel_read_message) (CanopyVciHandle, guint32, CanopyVciCanMsg *);
  CanopyVciResult (CANOPY_VCI_CALL *channel_send_message) (CanopyVciHandle, guint32, CanopyVciCanMsg *);

  /* The same names in VCI V4's library, bound instead of the five above
   * when the bus opens for CAN FD. */
  CanopyVciResult (CANOPY_VCI_CALL *control_initialize2) (CanopyVciHandle, guint8, guint8, guint8, guint8, guint32,
                                                         guint32, CanopyVciBitTiming *, CanopyVciBitTiming *);
  CanopyVciResult (CANOPY_VCI_CALL *control_get_caps2)   (CanopyVciHandle, CanopyVciCapabilities2 *);
  CanopyVciResult (CANOPY_VCI_CALL *control_get_status2) (CanopyVciHandle, CanopyVciLineStatus2 *);
  CanopyVciResult (CANOPY_VCI_CALL *channel_initialize2) (CanopyVciHandle, guint16, guint16, guint16, guint16, guint32,
                                                         guint8);
  CanopyVciResult (CANOPY_VCI_CALL *channel_read_message2) (CanopyVciHandle, guint32, CanopyVciCanMsg2 *);
  CanopyVciResult (CANOPY_VCI_CALL *channel_send_message2) (CanopyVciHandle, guint32, CanopyVciCanMsg2 *);
} CanopyIxxatApi;

G_END_DECLS
