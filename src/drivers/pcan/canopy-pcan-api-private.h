/* canopy-pcan-api-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The part of PEAK-System's PCAN-Basic API (PCANBasic.h) the pcan driver
 * calls, declared from the vendor's documentation: types, constants and
 * structure layouts. The library is loaded at run time. */

#ifdef G_OS_WIN32
# define CANOPY_PCAN_CALL __stdcall
#else
# define CANOPY_PCAN_CALL
#endif

typedef guint16 CanopyPcanHandle;
typedef guint32 CanopyPcanStatus;

#define CANOPY_PCAN_ERROR_OK          0x00000u
#define CANOPY_PCAN_ERROR_XMTFULL     0x00001u
#define CANOPY_PCAN_ERROR_OVERRUN     0x00002u
#define CANOPY_PCAN_ERROR_BUSLIGHT    0x00004u
#define CANOPY_PCAN_ERROR_BUSHEAVY    0x00008u
#define CANOPY_PCAN_ERROR_BUSOFF      0x00010u
#define CANOPY_PCAN_ERROR_QRCVEMPTY   0x00020u
#define CANOPY_PCAN_ERROR_QOVERRUN    0x00040u
#define CANOPY_PCAN_ERROR_QXMTFULL    0x00080u
#define CANOPY_PCAN_ERROR_NODRIVER    0x00200u
#define CANOPY_PCAN_ERROR_ILLHW       0x01400u
#define CANOPY_PCAN_ERROR_BUSPASSIVE  0x40000u
#define CANOPY_PCAN_ERROR_INITIALIZE  0x4000000u

#define CANOPY_PCAN_MESSAGE_STANDARD  0x00u
#define CANOPY_PCAN_MESSAGE_RTR       0x01u
#define CANOPY_PCAN_MESSAGE_EXTENDED  0x02u
#define CANOPY_PCAN_MESSAGE_FD        0x04u
#define CANOPY_PCAN_MESSAGE_BRS       0x08u
#define CANOPY_PCAN_MESSAGE_ESI       0x10u
#define CANOPY_PCAN_MESSAGE_ERRFRAME  0x40u
#define CANOPY_PCAN_MESSAGE_STATUS    0x80u

#define CANOPY_PCAN_MODE_STANDARD     0x00u
#define CANOPY_PCAN_MODE_EXTENDED     0x02u

/* Parameters of CAN_GetValue()/CAN_SetValue() */
#define CANOPY_PCAN_RECEIVE_EVENT        0x03u
#define CANOPY_PCAN_MESSAGE_FILTER       0x04u
#define CANOPY_PCAN_HARDWARE_NAME        0x0Eu
#define CANOPY_PCAN_ALLOW_STATUS_FRAMES  0x1Eu
#define CANOPY_PCAN_ALLOW_ERROR_FRAMES   0x20u

#define CANOPY_PCAN_PARAMETER_OFF     0x00u
#define CANOPY_PCAN_PARAMETER_ON      0x01u
#define CANOPY_PCAN_FILTER_CLOSE      0x00u
#define CANOPY_PCAN_FILTER_OPEN       0x01u

#define CANOPY_PCAN_MAX_HARDWARE_NAME 33

typedef struct
{
  guint32 id;
  guint8  msgtype;
  guint8  len;
  guint8  data[8];
} CanopyPcanMsg;

/* micros + 1000 * millis + 0x100000000 * 1000 * millis_overflow */
typedef struct
{
  guint32 millis;
  guint16 millis_overflow;
  guint16 micros;
} CanopyPcanTimestamp;

typedef struct
{
  guint32 id;
  guint8  msgtype;
  guint8  dlc;
  guint8  data[64];
} CanopyPcanMsgFD;

typedef CanopyPcanStatus (CANOPY_PCAN_CALL *CanopyPcanInitialize)   (CanopyPcanHandle, guint16, guint8, guint32, guint16);
typedef CanopyPcanStatus (CANOPY_PCAN_CALL *CanopyPcanInitializeFD) (CanopyPcanHandle, char *);
typedef CanopyPcanStatus (CANOPY_PCAN_CALL *CanopyPcanUninitialize) (CanopyPcanHandle);
typedef CanopyPcanStatus (CANOPY_PCAN_CALL *CanopyPcanGetStatus)    (CanopyPcanHandle);
typedef CanopyPcanStatus (CANOPY_PCAN_CALL *CanopyPcanRead)         (CanopyPcanHandle, CanopyPcanMsg *, CanopyPcanTimestamp *);
typedef CanopyPcanStatus (CANOPY_PCAN_CALL *CanopyPcanReadFD)       (CanopyPcanHandle, CanopyPcanMsgFD *, guint64 *);
typedef CanopyPcanStatus (CANOPY_PCAN_CALL *CanopyPcanWrite)        (CanopyPcanHandle, CanopyPcanMsg *);
typedef CanopyPcanStatus (CANOPY_PCAN_CALL *CanopyPcanWriteFD)      (CanopyPcanHandle, CanopyPcanMsgFD *);
typedef CanopyPcanStatus (CANOPY_PCAN_CALL *CanopyPcanFilterMessages) (CanopyPcanHandle, guint32, guint32, guint8);
typedef CanopyPcanStatus (CANOPY_PCAN_CALL *CanopyPcanGetValue)     (CanopyPcanHandle, guint8, void *, guint32);
typedef CanopyPcanStatus (CANOPY_PCAN_CALL *CanopyPcanSetValue)     (CanopyPcanHandle, guint8, void *, guint32);
typedef CanopyPcanStatus (CANOPY_PCAN_CALL *CanopyPcanGetErrorText) (CanopyPcanStatus, guint16, char *);

typedef struct
{
  CanopyPcanInitialize     initialize;
  CanopyPcanInitializeFD   initialize_fd;
  CanopyPcanUninitialize   uninitialize;
  CanopyPcanGetStatus      get_status;
  CanopyPcanRead           read;
  CanopyPcanReadFD         read_fd;
  CanopyPcanWrite          write;
  CanopyPcanWriteFD        write_fd;
  CanopyPcanFilterMessages filter_messages;
  CanopyPcanGetValue       get_value;
  CanopyPcanSetValue       set_value;
  CanopyPcanGetErrorText   get_error_text;
} CanopyPcanApi;

G_END_DECLS
