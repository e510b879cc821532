/* canopy-neovi-api-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The part of Intrepid Control Systems' icsneo40 API (icsnVC40.h; also
 * exported by libicsneo's legacy library) the neovi driver calls, declared
 * from the vendor's documentation. Functions return 1 on success. */

#ifdef G_OS_WIN32
# define CANOPY_ICS_CALL __stdcall
#else
# define CANOPY_ICS_CALL
#endif

#define CANOPY_ICS_NETID_HSCAN           1
#define CANOPY_ICS_PROTOCOL_CAN          1
#define CANOPY_ICS_PROTOCOL_CANFD        30
#define CANOPY_ICS_MAX_MESSAGES          20000
/* icsneoGetTimeStampForMsg() counts seconds from 2007-01-01 UTC. */
#define CANOPY_ICS_EPOCH_UNIX            G_GINT64_CONSTANT (1167609600)

#define CANOPY_ICS_STATUS_GLOBAL_ERR        0x001u
#define CANOPY_ICS_STATUS_TX_MSG            0x002u
#define CANOPY_ICS_STATUS_XTD_FRAME         0x004u
#define CANOPY_ICS_STATUS_REMOTE_FRAME      0x008u
#define CANOPY_ICS_STATUS_CRC_ERROR         0x010u
#define CANOPY_ICS_STATUS_CAN_ERROR_PASSIVE 0x020u
#define CANOPY_ICS_STATUS_LOST_ARBITRATION  0x080u
#define CANOPY_ICS_STATUS_CAN_BUS_OFF       0x200u
#define CANOPY_ICS_STATUS_CANFD             0x20000000u

/* StatusBitField3 of a CAN FD message (SPY_PROTOCOL_CANFD). */
#define CANOPY_ICS_STATUS3_CANFD_ESI        0x01u
#define CANOPY_ICS_STATUS3_CANFD_IDE        0x02u
#define CANOPY_ICS_STATUS3_CANFD_FDF        0x08u
#define CANOPY_ICS_STATUS3_CANFD_BRS        0x10u

typedef struct
{
  int DeviceType;
  int Handle;
  int NumberOfClients;
  int SerialNumber;
  int MaxAllowedClients;
} CanopyIcsNeoDevice;

typedef struct
{
  guint32  status_bit_field;
  guint32  status_bit_field2;
  guint32  time_hardware;
  guint32  time_hardware2;
  guint32  time_system;
  guint32  time_system2;
  guint8   time_stamp_hardware_id;
  guint8   time_stamp_system_id;
  guint8   network_id;
  guint8   node_id;
  guint8   protocol;
  guint8   message_piece_id;
  guint8   extra_data_ptr_enabled;
  guint8   number_bytes_header;
  guint8   number_bytes_data;
  guint8   network_id2;
  gint16   description_id;
  guint32  arb_id_or_header;
  guint8   data[8];
  /* AckBytes[8] for other protocols; CAN FD uses them as StatusBitField3
   * and StatusBitField4. */
  guint32  status_bit_field3;
  guint32  status_bit_field4;
  /* With extra_data_ptr_enabled, the payload (more than 8 bytes of CAN FD):
   * on receive the library's, valid until the next icsneoGetMessages(). */
  gpointer extra_data_ptr;
  guint8   misc_data;
  guint8   reserved[3];
} CanopyIcsSpyMessage;

typedef struct
{
  int (CANOPY_ICS_CALL *find_neo_devices)   (guint32, CanopyIcsNeoDevice *, int *);
  int (CANOPY_ICS_CALL *open_neo_device)    (CanopyIcsNeoDevice *, gpointer *, guint8 *, int, int);
  int (CANOPY_ICS_CALL *close_port)         (gpointer, int *);
  void (CANOPY_ICS_CALL *free_object)       (gpointer);
  int (CANOPY_ICS_CALL *tx_messages)        (gpointer, CanopyIcsSpyMessage *, int, int);
  int (CANOPY_ICS_CALL *get_messages)       (gpointer, CanopyIcsSpyMessage *, int *, int *);
  int (CANOPY_ICS_CALL *wait_for_rx)        (gpointer, unsigned int);
  int (CANOPY_ICS_CALL *set_bit_rate)       (gpointer, int, int);
  int (CANOPY_ICS_CALL *set_fd_bit_rate)    (gpointer, int, int);   /* optional: CAN FD libraries only */
  int (CANOPY_ICS_CALL *get_time_stamp)     (gpointer, CanopyIcsSpyMessage *, double *);
} CanopyNeoviApi;

G_END_DECLS
