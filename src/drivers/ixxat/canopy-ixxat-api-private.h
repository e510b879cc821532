/* canopy-ixxat-api-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The part of IXXAT's VCI V3 C API (vcinpl.h) the ixxat driver calls,
 * declared from HMS's documentation: HRESULT codes, CANMSG and the device
 * information it enumerates. */

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
} CanopyIxxatApi;

G_END_DECLS
