/* neovi-sim.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A simulated icsneo40 library for the tests: the entry points, constants
 * and icsSpyMessage layout the neovi driver uses. Two devices (serial
 * numbers 100001 and 100002) whose HS-CAN networks share one simulated
 * cable; a device also reports what it sent (SPY_STATUS_TX_MSG), as real
 * ones do. neovi_sim_*() let a test look inside and cause trouble.
 *
 * CAN FD as icsneo40 does it: icsneoSetFDBitRate(), SPY_PROTOCOL_CANFD
 * messages with StatusBitField3, payloads beyond 8 bytes through
 * ExtraDataPtr (the sender's, copied before icsneoTxMessages() returns;
 * on receive the library's own, valid until the next icsneoGetMessages()).
 * Built with NO_CAN_FD it is an older library without icsneoSetFDBitRate.
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

#define ICS_EPOCH_US (G_GINT64_CONSTANT (1167609600) * 1000000)

typedef struct
{
  int DeviceType, Handle, NumberOfClients, SerialNumber, MaxAllowedClients;
} NeoDevice;

typedef struct
{
  guint32  StatusBitField, StatusBitField2, TimeHardware, TimeHardware2, TimeSystem, TimeSystem2;
  guint8   TimeStampHardwareID, TimeStampSystemID, NetworkID, NodeID, Protocol, MessagePieceID;
  guint8   ExtraDataPtrEnabled, NumberBytesHeader, NumberBytesData, NetworkID2;
  gint16   DescriptionID;
  guint32  ArbIDOrHeader;
  guint8   Data[8];
  guint32  StatusBitField3, StatusBitField4;   /* AckBytes[8] */
  gpointer ExtraDataPtr;
  guint8   MiscData;
  guint8   Reserved[3];
} icsSpyMessage;

typedef struct
{
  int      serial;
  gboolean open;
  gboolean unplugged;
  int      bitrate[64];
  int      fd_bitrate[64];
  GQueue   queue;
  guint8  (*rx_payloads)[64];   /* what ExtraDataPtr points at after icsneoGetMessages() */
} Device;

/* A queued message and the payload its ExtraDataPtr carried. */
typedef struct
{
  icsSpyMessage msg;
  guint8        payload[64];
} Queued;

static GMutex lock;
static GCond cond;
static Device devices[2] = { { .serial = 100001 }, { .serial = 100002 } };

EXPORT int CALL
icsneoFindNeoDevices (guint32 types, NeoDevice *found, int *n)
{
  int count = MIN (*n, 2);

  for (int i = 0; i < count; i++)
    {
      memset (&found[i], 0, sizeof found[i]);
      found[i].DeviceType = 0x8;      /* ValueCAN 3 */
      found[i].Handle = i;
      found[i].SerialNumber = devices[i].serial;
      found[i].MaxAllowedClients = 1;
    }
  *n = count;
  return 1;
}

EXPORT int CALL
icsneoOpenNeoDevice (NeoDevice *device, gpointer *object, guint8 *network_ids, int config_read, int sync)
{
  Device *d;

  if (device->Handle < 0 || device->Handle > 1 || devices[device->Handle].open)
    return 0;
  d = &devices[device->Handle];
  d->open = TRUE;
  d->unplugged = FALSE;
  g_queue_init (&d->queue);
  *object = d;
  return 1;
}

EXPORT int CALL
icsneoClosePort (gpointer object, int *errors)
{
  Device *d = object;

  g_mutex_lock (&lock);
  d->open = FALSE;
  g_queue_clear_full (&d->queue, g_free);
  g_clear_pointer (&d->rx_payloads, g_free);
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
  *errors = 0;
  return 1;
}

EXPORT void CALL icsneoFreeObject (gpointer object) { }

static void
deliver (Device              *d,
         const icsSpyMessage *msg,
         guint32              extra_status)
{
  Queued *copy = g_new0 (Queued, 1);
  gint64 us = g_get_real_time () - ICS_EPOCH_US;

  copy->msg = *msg;
  if (msg->ExtraDataPtrEnabled && msg->ExtraDataPtr != NULL)
    memcpy (copy->payload, msg->ExtraDataPtr, MIN (msg->NumberBytesData, 64));
  copy->msg.ExtraDataPtr = NULL;
  copy->msg.StatusBitField |= extra_status;
  copy->msg.TimeHardware = (guint32) us;
  copy->msg.TimeHardware2 = (guint32) (us >> 32);
  g_queue_push_tail (&d->queue, copy);
  g_cond_broadcast (&cond);
}

EXPORT int CALL
icsneoTxMessages (gpointer object, icsSpyMessage *msgs, int network, int n)
{
  Device *d = object;
  int ret = 1;

  g_mutex_lock (&lock);
  if (!d->open || d->unplugged)
    ret = 0;
  else
    for (int k = 0; k < n; k++)
      {
        msgs[k].NetworkID = network;
        for (int i = 0; i < 2; i++)
          if (devices[i].open && !devices[i].unplugged)
            deliver (&devices[i], &msgs[k], &devices[i] == d ? 0x02 : 0);
      }
  g_mutex_unlock (&lock);
  return ret;
}

EXPORT int CALL
icsneoWaitForRxMessagesWithTimeOut (gpointer object, unsigned int timeout)
{
  Device *d = object;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout * 1000;
  int ret = 0;

  g_mutex_lock (&lock);
  for (;;)
    {
      if (!d->open || d->unplugged)
        {
          ret = -1;
          break;
        }
      if (d->queue.length > 0)
        {
          ret = 1;
          break;
        }
      if (!g_cond_wait_until (&cond, &lock, deadline))
        break;
    }
  g_mutex_unlock (&lock);
  return ret;
}

EXPORT int CALL
icsneoGetMessages (gpointer object, icsSpyMessage *msgs, int *n, int *errors)
{
  Device *d = object;
  int count = 0;
  Queued *m;

  g_mutex_lock (&lock);
  if (d->rx_payloads == NULL)
    d->rx_payloads = g_malloc (20000 * sizeof *d->rx_payloads);
  while (count < 20000 && (m = g_queue_pop_head (&d->queue)) != NULL)
    {
      msgs[count] = m->msg;
      if (m->msg.ExtraDataPtrEnabled)
        {
          memcpy (d->rx_payloads[count], m->payload, sizeof m->payload);
          msgs[count].ExtraDataPtr = d->rx_payloads[count];
        }
      count++;
      g_free (m);
    }
  g_mutex_unlock (&lock);
  *n = count;
  *errors = 0;
  return d->unplugged ? 0 : 1;
}

/* A network's rate, nominal or CAN FD data phase, if the device has it. */
static int
set_rate (int *rates,
          int  network,
          int  bitrate,
          int  max)
{
  if (network < 0 || network >= 64 || bitrate <= 0 || bitrate > max)
    return 0;
  rates[network] = bitrate;
  return 1;
}

EXPORT int CALL
icsneoSetBitRate (gpointer object, int bitrate, int network)
{
  return set_rate (((Device *) object)->bitrate, network, bitrate, 1000000);
}

#ifndef NO_CAN_FD
EXPORT int CALL
icsneoSetFDBitRate (gpointer object, int bitrate, int network)
{
  return set_rate (((Device *) object)->fd_bitrate, network, bitrate, 10000000);
}
#endif

EXPORT int CALL
icsneoGetTimeStampForMsg (gpointer object, icsSpyMessage *msg, double *seconds)
{
  gint64 us = (gint64) msg->TimeHardware2 << 32 | msg->TimeHardware;

  *seconds = us / 1e6;
  return 1;
}

/* Controls for the tests, by serial number. */

static Device *
by_serial (int serial)
{
  return &devices[serial == 100001 ? 0 : 1];
}

EXPORT int
neovi_sim_get_bitrate (int serial, int network)
{
  return by_serial (serial)->bitrate[network];
}

EXPORT int
neovi_sim_get_fd_bitrate (int serial, int network)
{
  return by_serial (serial)->fd_bitrate[network];
}

EXPORT gboolean
neovi_sim_is_open (int serial)
{
  return by_serial (serial)->open;
}

/* An error seen on HS-CAN, with status bits such as SPY_STATUS_CAN_BUS_OFF. */
EXPORT void
neovi_sim_inject_error (int     serial,
                        guint32 status)
{
  icsSpyMessage msg = { .StatusBitField = 0x01 | status, .NetworkID = 1, .Protocol = 1 };

  g_mutex_lock (&lock);
  deliver (by_serial (serial), &msg, 0);
  g_mutex_unlock (&lock);
}

EXPORT void
neovi_sim_unplug (int serial)
{
  g_mutex_lock (&lock);
  by_serial (serial)->unplugged = TRUE;
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
}
