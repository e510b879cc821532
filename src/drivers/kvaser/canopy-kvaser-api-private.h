/* canopy-kvaser-api-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The part of Kvaser's CANlib (canlib.h) the kvaser driver calls, declared
 * from the vendor's documentation. The library is loaded at run time. */

#ifdef G_OS_WIN32
# define CANOPY_KVASER_CALL __stdcall
#else
# define CANOPY_KVASER_CALL
#endif

typedef int CanopyKvaserHandle;
typedef int CanopyKvaserStatus;

#define CANOPY_KVASER_OK                  0
#define CANOPY_KVASER_ERR_NOMSG          -2
#define CANOPY_KVASER_ERR_NOTFOUND       -3
#define CANOPY_KVASER_ERR_TIMEOUT        -7
#define CANOPY_KVASER_ERR_INVHANDLE     -10
#define CANOPY_KVASER_ERR_DRIVER        -12
#define CANOPY_KVASER_ERR_TXBUFOFL      -13
#define CANOPY_KVASER_ERR_HARDWARE      -15

#define CANOPY_KVASER_OPEN_EXCLUSIVE      0x0008
#define CANOPY_KVASER_OPEN_ACCEPT_VIRTUAL 0x0020
#define CANOPY_KVASER_OPEN_CAN_FD         0x0400

#define CANOPY_KVASER_MSG_RTR          0x0001u
#define CANOPY_KVASER_MSG_STD          0x0002u
#define CANOPY_KVASER_MSG_EXT          0x0004u
#define CANOPY_KVASER_MSG_ERROR_FRAME  0x0020u
#define CANOPY_KVASER_MSG_TXACK        0x0040u
#define CANOPY_KVASER_MSGERR_OVERRUN   0x0600u
#define CANOPY_KVASER_FDMSG_FDF        0x010000u
#define CANOPY_KVASER_FDMSG_BRS        0x020000u
#define CANOPY_KVASER_FDMSG_ESI        0x040000u

/* Predefined bit rates of canSetBusParams() / canSetBusParamsFd() */
#define CANOPY_KVASER_BITRATE_1M       -1
#define CANOPY_KVASER_BITRATE_500K     -2
#define CANOPY_KVASER_BITRATE_250K     -3
#define CANOPY_KVASER_BITRATE_125K     -4
#define CANOPY_KVASER_BITRATE_100K     -5
#define CANOPY_KVASER_BITRATE_62K      -6
#define CANOPY_KVASER_BITRATE_50K      -7
#define CANOPY_KVASER_BITRATE_83K      -8
#define CANOPY_KVASER_BITRATE_10K      -9
#define CANOPY_KVASER_FD_BITRATE_500K_80P  -1000
#define CANOPY_KVASER_FD_BITRATE_1M_80P    -1001
#define CANOPY_KVASER_FD_BITRATE_2M_80P    -1002
#define CANOPY_KVASER_FD_BITRATE_4M_80P    -1003
#define CANOPY_KVASER_FD_BITRATE_8M_60P    -1004

#define CANOPY_KVASER_STAT_ERROR_PASSIVE 0x01u
#define CANOPY_KVASER_STAT_BUS_OFF       0x02u
#define CANOPY_KVASER_STAT_ERROR_WARNING 0x04u
#define CANOPY_KVASER_STAT_ERROR_ACTIVE  0x08u

#define CANOPY_KVASER_IOCTL_FLUSH_TX_BUFFER 11
#define CANOPY_KVASER_IOCTL_SET_TIMER_SCALE  6

#define CANOPY_KVASER_CHANNELDATA_DEVDESCR_ASCII 26

typedef void               (CANOPY_KVASER_CALL *CanopyKvaserInitializeLibrary) (void);
typedef CanopyKvaserHandle (CANOPY_KVASER_CALL *CanopyKvaserOpenChannel)   (int, int);
typedef CanopyKvaserStatus (CANOPY_KVASER_CALL *CanopyKvaserClose)         (CanopyKvaserHandle);
typedef CanopyKvaserStatus (CANOPY_KVASER_CALL *CanopyKvaserSetBusParams)  (CanopyKvaserHandle, long, unsigned int,
                                                                            unsigned int, unsigned int, unsigned int,
                                                                            unsigned int);
typedef CanopyKvaserStatus (CANOPY_KVASER_CALL *CanopyKvaserSetBusParamsFd) (CanopyKvaserHandle, long, unsigned int,
                                                                             unsigned int, unsigned int);
typedef CanopyKvaserStatus (CANOPY_KVASER_CALL *CanopyKvaserBusOn)         (CanopyKvaserHandle);
typedef CanopyKvaserStatus (CANOPY_KVASER_CALL *CanopyKvaserBusOff)        (CanopyKvaserHandle);
typedef CanopyKvaserStatus (CANOPY_KVASER_CALL *CanopyKvaserWrite)         (CanopyKvaserHandle, long, void *,
                                                                            unsigned int, unsigned int);
typedef CanopyKvaserStatus (CANOPY_KVASER_CALL *CanopyKvaserReadWait)      (CanopyKvaserHandle, long *, void *,
                                                                            unsigned int *, unsigned int *,
                                                                            unsigned long *, unsigned long);
typedef CanopyKvaserStatus (CANOPY_KVASER_CALL *CanopyKvaserSetAcceptanceFilter) (CanopyKvaserHandle, unsigned int,
                                                                                  unsigned int, int);
typedef CanopyKvaserStatus (CANOPY_KVASER_CALL *CanopyKvaserReadStatus)    (CanopyKvaserHandle, unsigned long *);
typedef CanopyKvaserStatus (CANOPY_KVASER_CALL *CanopyKvaserGetErrorText)  (CanopyKvaserStatus, char *, unsigned int);
typedef CanopyKvaserStatus (CANOPY_KVASER_CALL *CanopyKvaserIoCtl)         (CanopyKvaserHandle, unsigned int, void *,
                                                                            unsigned int);
typedef CanopyKvaserStatus (CANOPY_KVASER_CALL *CanopyKvaserReadTimer)     (CanopyKvaserHandle, unsigned int *);
typedef CanopyKvaserStatus (CANOPY_KVASER_CALL *CanopyKvaserGetChannelData) (int, int, void *, size_t);

typedef struct
{
  CanopyKvaserInitializeLibrary  initialize_library;
  CanopyKvaserOpenChannel        open_channel;
  CanopyKvaserClose              close;
  CanopyKvaserSetBusParams       set_bus_params;
  CanopyKvaserSetBusParamsFd     set_bus_params_fd;
  CanopyKvaserBusOn              bus_on;
  CanopyKvaserBusOff             bus_off;
  CanopyKvaserWrite              write;
  CanopyKvaserReadWait           read_wait;
  CanopyKvaserSetAcceptanceFilter set_acceptance_filter;
  CanopyKvaserReadStatus         read_status;
  CanopyKvaserGetErrorText       get_error_text;
  CanopyKvaserIoCtl              io_ctl;
  CanopyKvaserReadTimer          read_timer;
  CanopyKvaserGetChannelData     get_channel_data;
} CanopyKvaserApi;

G_END_DECLS
