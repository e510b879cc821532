/* canopy-nican-api-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The part of National Instruments' NI-CAN Frame API (nican.h) the nican
 * driver calls, declared from the NI-CAN hardware and software manual. */

#ifdef G_OS_WIN32
# define CANOPY_NICAN_CALL __stdcall
#else
# define CANOPY_NICAN_CALL
#endif

typedef guint32 CanopyNicanObjHandle;
typedef gint32  CanopyNicanStatus;

#define CANOPY_NICAN_SUCCESS          0
#define CANOPY_NICAN_ERR_TIMEOUT      (-1074388991)   /* 0xBFF62001 */

#define CANOPY_NICAN_OP_START         0x80000001u
#define CANOPY_NICAN_OP_STOP          0x80000002u

#define CANOPY_NICAN_ST_READ_AVAIL    0x00000001u

#define CANOPY_NICAN_ATTR_START_ON_OPEN 0x80000006u
#define CANOPY_NICAN_ATTR_BAUD_RATE     0x80000007u
#define CANOPY_NICAN_ATTR_READ_Q_LEN    0x80000013u
#define CANOPY_NICAN_ATTR_WRITE_Q_LEN   0x80000014u
#define CANOPY_NICAN_ATTR_CAN_COMP_STD  0x80010001u
#define CANOPY_NICAN_ATTR_CAN_MASK_STD  0x80010002u
#define CANOPY_NICAN_ATTR_CAN_COMP_XTD  0x80010003u
#define CANOPY_NICAN_ATTR_CAN_MASK_XTD  0x80010004u
#define CANOPY_NICAN_ATTR_LOG_COMM_ERRS 0x8001000Au

#define CANOPY_NICAN_FL_CAN_ARBID_XTD 0x20000000u
#define CANOPY_NICAN_FRMTYPE_DATA     0
#define CANOPY_NICAN_FRMTYPE_REMOTE   1
#define CANOPY_NICAN_FRMTYPE_COMM_ERR 2

/* NCTYPE_CAN_STRUCT, packed: the time is a Windows FILETIME (100 ns
 * since 1601). */
#pragma pack(push, 1)
typedef struct
{
  guint64 timestamp;
  guint32 arbitration_id;
  guint8  frame_type;
  guint8  data_length;
  guint8  data[8];
} CanopyNicanRxFrame;
#pragma pack(pop)

/* NCTYPE_CAN_FRAME, natural alignment. */
typedef struct
{
  guint32 arbitration_id;
  guint8  is_remote;
  guint8  data_length;
  guint8  data[8];
} CanopyNicanTxFrame;

typedef CanopyNicanStatus (CANOPY_NICAN_CALL *CanopyNicanConfig)         (char *, guint32, guint32 *, guint32 *);
typedef CanopyNicanStatus (CANOPY_NICAN_CALL *CanopyNicanOpenObject)     (char *, CanopyNicanObjHandle *);
typedef CanopyNicanStatus (CANOPY_NICAN_CALL *CanopyNicanCloseObject)    (CanopyNicanObjHandle);
typedef CanopyNicanStatus (CANOPY_NICAN_CALL *CanopyNicanAction)         (CanopyNicanObjHandle, guint32, guint32);
typedef CanopyNicanStatus (CANOPY_NICAN_CALL *CanopyNicanRead)           (CanopyNicanObjHandle, guint32, void *);
typedef CanopyNicanStatus (CANOPY_NICAN_CALL *CanopyNicanWrite)          (CanopyNicanObjHandle, guint32, void *);
typedef CanopyNicanStatus (CANOPY_NICAN_CALL *CanopyNicanWaitForState)   (CanopyNicanObjHandle, guint32, guint32,
                                                                          guint32 *);
typedef void              (CANOPY_NICAN_CALL *CanopyNicanStatusToString) (CanopyNicanStatus, guint32, char *);

typedef struct
{
  CanopyNicanConfig         config;
  CanopyNicanOpenObject     open_object;
  CanopyNicanCloseObject    close_object;
  CanopyNicanAction         action;
  CanopyNicanRead           read;
  CanopyNicanWrite          write;
  CanopyNicanWaitForState   wait_for_state;
  CanopyNicanStatusToString status_to_string;
} CanopyNicanApi;

G_END_DECLS
