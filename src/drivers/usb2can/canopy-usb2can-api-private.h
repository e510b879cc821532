/* canopy-usb2can-api-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The part of the CANAL API (canal.h) that 8devices' usb2can library
 * exports and the usb2can driver calls, declared from the documentation.
 * CANAL's `unsigned long` is 32 bits in the Windows library. */

#ifdef G_OS_WIN32
# define CANOPY_CANAL_CALL __stdcall
#else
# define CANOPY_CANAL_CALL
#endif

#define CANOPY_CANAL_ERROR_SUCCESS       0
#define CANOPY_CANAL_ERROR_FIFO_EMPTY    8
#define CANOPY_CANAL_ERROR_FIFO_FULL     9
#define CANOPY_CANAL_ERROR_HARDWARE     13
#define CANOPY_CANAL_ERROR_RCV_EMPTY    19
#define CANOPY_CANAL_ERROR_TRM_FULL     21
#define CANOPY_CANAL_ERROR_SUB_DRIVER   31
#define CANOPY_CANAL_ERROR_TIMEOUT      32

#define CANOPY_CANAL_IDFLAG_EXTENDED  0x00000001u
#define CANOPY_CANAL_IDFLAG_RTR       0x00000002u
#define CANOPY_CANAL_IDFLAG_STATUS    0x00000004u

#define CANOPY_CANAL_STATUS_BUS_OFF   0x80000000u
#define CANOPY_CANAL_STATUS_PASSIVE   0x40000000u
#define CANOPY_CANAL_STATUS_BUS_WARN  0x20000000u
#define CANOPY_CANAL_STATUS_ACTIVE    0x10000000u

typedef struct
{
  guint32 flags;
  guint32 obid;
  guint32 id;
  guint8  size_data;
  guint8  data[8];
  guint32 timestamp;      /* microseconds, relative */
} CanopyCanalMsg;

typedef struct
{
  guint32 channel_status;
  guint32 last_error_code;
  guint32 last_error_subcode;
  char    last_error_str[80];
} CanopyCanalStatus;

typedef gint32 (CANOPY_CANAL_CALL *CanopyCanalOpen)            (const char *, guint32);
typedef gint32 (CANOPY_CANAL_CALL *CanopyCanalClose)           (gint32);
typedef gint32 (CANOPY_CANAL_CALL *CanopyCanalSend)            (gint32, CanopyCanalMsg *);
typedef gint32 (CANOPY_CANAL_CALL *CanopyCanalBlockingReceive) (gint32, CanopyCanalMsg *, guint32);
typedef gint32 (CANOPY_CANAL_CALL *CanopyCanalGetStatus)       (gint32, CanopyCanalStatus *);

typedef struct
{
  CanopyCanalOpen            open;
  CanopyCanalClose           close;
  CanopyCanalSend            send;
  CanopyCanalBlockingReceive blocking_receive;
  CanopyCanalGetStatus       get_status;
} CanopyUsb2canApi;

G_END_DECLS
