/* canopy-neovi-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib.h>

#include "canopy-error.h"
#include "canopy-neovi-bus.h"

#include "canopy-bus-private.h"
#include "canopy-error-frame-private.h"
#include "canopy-interface-info-private.h"
#include "canopy-neovi-api-private.h"
#include "canopy-neovi-bus-private.h"
#include "canopy-options-private.h"
#include "canopy-vendor-channel-private.h"
#include "canopy-vendor-library-private.h"
#include "canopy-vendor-wait-private.h"

/**
 * CanopyNeoviBus:
 *
 * python-can's `neovi` interface: Intrepid Control Systems devices
 * (neoVI, ValueCAN) through the icsneo40 API (`icsneo40.dll`, or
 * libicsneo's `libicsneolegacy.so`), loaded when a bus opens. The option
 * `library` or the variable `CANOPY_NEOVI_LIBRARY` names another file.
 *
 * The channel is the network id (`1` for HS-CAN, python-can's default).
 * Options: `serial` (the device's serial number; the first device found
 * otherwise), `bitrate` (set when given), `receive_own_messages`.
 *
 * Receiving waits in icsneoWaitForRxMessagesWithTimeOut(), in slices of a
 * tenth of a second so that shutdown() is never kept waiting, and takes
 * every message the device holds in one call. Timestamps come from
 * icsneoGetTimeStampForMsg() (seconds since 2007) in Unix time. Messages
 * with error status become error frames; filters apply here.
 *
 * CAN FD (python-can's options `fd` and `data_bitrate`): the data phase
 * rate is set with icsneoSetFDBitRate(), which a library without CAN FD
 * does not export (the bus then does not open). CAN FD frames travel as
 * SPY_PROTOCOL_CANFD messages with the FDF, BRS and ESI bits of
 * StatusBitField3, payloads beyond 8 bytes through ExtraDataPtr.
 */


struct _CanopyNeoviBus
{
  CanopyBus             parent_instance;

  int                   network;
  int                   serial;
  char                 *library_path;
  guint                 bitrate;
  guint                 data_bitrate;
  gboolean              fd;
  gboolean              receive_own_messages;

  GModule              *module;
  CanopyNeoviApi        api;
  gpointer              device;
  CanopyVendorReader    reader;

  /* Messages taken from the device, handed out one per recv. */
  CanopyIcsSpyMessage  *rx;
  int                   rx_len;
  int                   rx_pos;
};

struct _CanopyNeoviBusClass
{
  CanopyBusClass parent_class;
};

enum {
  PROP_0,
  PROP_CHANNEL,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyNeoviBus, canopy_neovi_bus, CANOPY_TYPE_BUS)

static GParamSpec *properties[N_PROPS];

static const char * const library_names[] = {
#if defined(G_OS_WIN32)
  "icsneo40.dll",
#else
  "libicsneolegacy.so",
  "libicsneo40.so",
#endif
  NULL
};

/* A message of our network as a frame; FALSE for what is not one (other
 * networks, own frames not asked for). */
static gboolean
convert (CanopyNeoviBus            *self,
         CanopyIcsSpyMessage       *m,
         CanopyMessage             *msg)
{
  guint32 status = m->status_bit_field;
  double seconds = 0;

  gboolean fd_frame = m->protocol == CANOPY_ICS_PROTOCOL_CANFD;
  const guint8 *payload = m->data;

  if (m->network_id != self->network || (m->protocol != CANOPY_ICS_PROTOCOL_CAN && !fd_frame))
    return FALSE;
  if ((status & CANOPY_ICS_STATUS_TX_MSG) && !self->receive_own_messages)
    return FALSE;

  memset (msg, 0, sizeof *msg);
  msg->channel = CANOPY_CHANNEL_NONE;
  if (self->api.get_time_stamp (self->device, m, &seconds) == 1)
    msg->timestamp_ns = (gint64) ((seconds + CANOPY_ICS_EPOCH_UNIX) * 1e9);

  if (status & CANOPY_ICS_STATUS_GLOBAL_ERR)
    {
      guint32 classes = 0;
      guint8 controller = 0;

      if (status & CANOPY_ICS_STATUS_CAN_BUS_OFF)
        classes |= CANOPY_ERROR_CLASS_BUS_OFF;
      if (status & CANOPY_ICS_STATUS_CAN_ERROR_PASSIVE)
        {
          controller |= CANOPY_ERROR_CTRL_RX_PASSIVE | CANOPY_ERROR_CTRL_TX_PASSIVE;
          classes |= CANOPY_ERROR_CLASS_CONTROLLER;
        }
      if (status & CANOPY_ICS_STATUS_LOST_ARBITRATION)
        classes |= CANOPY_ERROR_CLASS_LOST_ARB;
      if (status & CANOPY_ICS_STATUS_CRC_ERROR)
        classes |= CANOPY_ERROR_CLASS_PROTOCOL;
      if (classes == 0)
        classes = CANOPY_ERROR_CLASS_BUS_ERROR;
      _canopy_error_frame_init (msg, classes, controller, msg->timestamp_ns);
      return TRUE;
    }

  msg->arbitration_id = m->arb_id_or_header & ((status & CANOPY_ICS_STATUS_XTD_FRAME) ? 0x1FFFFFFFu : 0x7FFu);
  msg->flags = ((status & CANOPY_ICS_STATUS_XTD_FRAME) ? CANOPY_MESSAGE_EXTENDED : 0) |
               ((status & CANOPY_ICS_STATUS_REMOTE_FRAME) ? CANOPY_MESSAGE_REMOTE : 0) |
               ((status & CANOPY_ICS_STATUS_TX_MSG) ? CANOPY_MESSAGE_TX : 0);
  if (fd_frame)
    {
      msg->flags |= CANOPY_MESSAGE_FD |
                    ((m->status_bit_field3 & CANOPY_ICS_STATUS3_CANFD_BRS) ? CANOPY_MESSAGE_BRS : 0) |
                    ((m->status_bit_field3 & CANOPY_ICS_STATUS3_CANFD_ESI) ? CANOPY_MESSAGE_ESI : 0);
      /* A length between the CAN FD steps is the step's, zero-padded. */
      msg->dlc = canopy_dlc_to_length (canopy_length_to_dlc (MIN (m->number_bytes_data, 64)));
      if (m->extra_data_ptr_enabled && m->extra_data_ptr != NULL)
        payload = m->extra_data_ptr;
      else if (m->number_bytes_data > 8)
        {
          /* A long payload the library did not hand over is no frame. */
          return FALSE;
        }
      memcpy (msg->data, payload, MIN (m->number_bytes_data, msg->dlc));
      return TRUE;
    }
  msg->dlc = MIN (m->number_bytes_data, 8);
  if (!(status & CANOPY_ICS_STATUS_REMOTE_FRAME))
    memcpy (msg->data, payload, msg->dlc);
  return TRUE;
}

static CanopyVendorRead
neovi_read (gpointer        driver,
            guint           wait_ms,
            CanopyMessage  *msg,
            GError        **error)
{
  CanopyNeoviBus *self = driver;
  int n = CANOPY_ICS_MAX_MESSAGES, errors = 0, r;

  /* What an earlier call took from the device comes first. */
  while (self->rx_pos < self->rx_len)
    if (convert (self, &self->rx[self->rx_pos++], msg))
      return CANOPY_VENDOR_READ_FRAME;

  r = self->api.wait_for_rx (self->device, wait_ms);
  if (r == 0)
    return CANOPY_VENDOR_READ_NONE;
  if (r < 0 || self->api.get_messages (self->device, self->rx, &n, &errors) != 1)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                   "neoVI %d: the device stopped answering", self->serial);
      return CANOPY_VENDOR_READ_FAILED;
    }
  self->rx_len = n;
  self->rx_pos = 0;
  while (self->rx_pos < self->rx_len)
    if (convert (self, &self->rx[self->rx_pos++], msg))
      return CANOPY_VENDOR_READ_FRAME;
  return CANOPY_VENDOR_READ_NONE;
}

static gboolean
canopy_neovi_bus_recv (CanopyBus      *bus,
                       CanopyMessage  *msg,
                       double          timeout,
                       GError        **error)
{
  return _canopy_vendor_reader_recv (&CANOPY_NEOVI_BUS (bus)->reader, bus, neovi_read, msg, timeout, error);
}

static gboolean
canopy_neovi_bus_send (CanopyBus            *bus,
                       const CanopyMessage  *msg,
                       double                timeout,
                       GError              **error)
{
  CanopyNeoviBus *self = CANOPY_NEOVI_BUS (bus);
  CanopyIcsSpyMessage m = { 0 };
  gboolean fd_frame = (msg->flags & CANOPY_MESSAGE_FD) != 0;

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;
  if ((msg->flags & CANOPY_MESSAGE_ERROR) || (fd_frame && !self->fd))
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                           fd_frame ? "neoVI: this bus was not opened for CAN FD (option fd)"
                                    : "neoVI sends data and remote frames only");
      return FALSE;
    }
  if (fd_frame ? !canopy_length_is_valid (msg->dlc) : msg->dlc > 8)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT, "neoVI: %u bytes is not a %s length",
                   msg->dlc, fd_frame ? "CAN FD" : "classic CAN");
      return FALSE;
    }

  m.arb_id_or_header = msg->arbitration_id;
  m.status_bit_field = ((msg->flags & CANOPY_MESSAGE_EXTENDED) ? CANOPY_ICS_STATUS_XTD_FRAME : 0) |
                       ((msg->flags & CANOPY_MESSAGE_REMOTE) ? CANOPY_ICS_STATUS_REMOTE_FRAME : 0);
  m.number_bytes_data = msg->dlc;
  m.network_id = self->network;
  m.protocol = CANOPY_ICS_PROTOCOL_CAN;
  if (fd_frame)
    {
      m.protocol = CANOPY_ICS_PROTOCOL_CANFD;
      m.status_bit_field |= CANOPY_ICS_STATUS_CANFD;
      m.status_bit_field3 = CANOPY_ICS_STATUS3_CANFD_FDF |
                            ((msg->flags & CANOPY_MESSAGE_EXTENDED) ? CANOPY_ICS_STATUS3_CANFD_IDE : 0) |
                            ((msg->flags & CANOPY_MESSAGE_BRS) ? CANOPY_ICS_STATUS3_CANFD_BRS : 0) |
                            ((msg->flags & CANOPY_MESSAGE_ESI) ? CANOPY_ICS_STATUS3_CANFD_ESI : 0);
    }
  if (msg->dlc > 8)
    {
      /* icsneoTxMessages() copies the payload before it returns. */
      m.extra_data_ptr_enabled = 1;
      m.extra_data_ptr = (gpointer) msg->data;
    }
  else
    memcpy (m.data, msg->data, msg->dlc);

  if (self->api.tx_messages (self->device, &m, self->network, 1) != 1)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                   "neoVI %d: sending failed", self->serial);
      return FALSE;
    }
  return TRUE;
}

static void
close_device (gpointer driver)
{
  CanopyNeoviBus *self = driver;
  int errors = 0;

  if (self->device == NULL)
    return;
  self->api.close_port (self->device, &errors);
  self->api.free_object (self->device);
  self->device = NULL;
}

static void
canopy_neovi_bus_shutdown (CanopyBus *bus)
{
  _canopy_vendor_reader_shutdown (&CANOPY_NEOVI_BUS (bus)->reader, close_device, bus);
}

static gboolean
canopy_neovi_bus_configure (CanopyBus   *bus,
                            const char  *channel,
                            GHashTable  *options,
                            GError     **error)
{
  CanopyNeoviBus *self = CANOPY_NEOVI_BUS (bus);
  guint64 bitrate, data_bitrate, serial, network;

  if (!_canopy_options_get_uint (options, "bitrate", 0, G_MAXINT, &bitrate, error) ||
      !_canopy_options_get_uint (options, "data_bitrate", 0, G_MAXINT, &data_bitrate, error) ||
      !_canopy_options_get_boolean (options, "fd", FALSE, &self->fd, error) ||
      !_canopy_options_get_uint (options, "serial", 0, G_MAXINT, &serial, error) ||
      !_canopy_options_get_boolean (options, "receive_own_messages", FALSE, &self->receive_own_messages, error))
    return FALSE;

  if (!_canopy_vendor_parse_channel_number (channel, CANOPY_ICS_NETID_HSCAN, 255,
                                            "a neoVI network id (1 for HS-CAN, …)", &network, error))
    return FALSE;

  self->network = network;
  self->serial = serial;
  self->bitrate = bitrate;
  self->data_bitrate = data_bitrate;
  g_free (self->library_path);
  self->library_path = g_strdup (options ? g_hash_table_lookup (options, "library") : NULL);
  return TRUE;
}

static gboolean
canopy_neovi_bus_open (CanopyBus     *bus,
                       GCancellable  *cancellable,
                       GError       **error)
{
  CanopyNeoviBus *self = CANOPY_NEOVI_BUS (bus);
  const CanopyVendorSymbol symbols[] = {
    { "icsneoFindNeoDevices", (gpointer *) &self->api.find_neo_devices, FALSE },
    { "icsneoOpenNeoDevice", (gpointer *) &self->api.open_neo_device, FALSE },
    { "icsneoClosePort", (gpointer *) &self->api.close_port, FALSE },
    { "icsneoFreeObject", (gpointer *) &self->api.free_object, FALSE },
    { "icsneoTxMessages", (gpointer *) &self->api.tx_messages, FALSE },
    { "icsneoGetMessages", (gpointer *) &self->api.get_messages, FALSE },
    { "icsneoWaitForRxMessagesWithTimeOut", (gpointer *) &self->api.wait_for_rx, FALSE },
    { "icsneoSetBitRate", (gpointer *) &self->api.set_bit_rate, FALSE },
    { "icsneoGetTimeStampForMsg", (gpointer *) &self->api.get_time_stamp, FALSE },
    { "icsneoSetFDBitRate", (gpointer *) &self->api.set_fd_bit_rate, TRUE },
  };
  CanopyIcsNeoDevice devices[16];
  g_autofree char *info = NULL;
  int n = G_N_ELEMENTS (devices), found = -1;

  if (self->bitrate == 0)
    self->bitrate = canopy_bus_get_bitrate (bus);

  self->module = _canopy_vendor_library_open ("neovi", self->library_path, "CANOPY_NEOVI_LIBRARY", library_names,
                                              symbols, G_N_ELEMENTS (symbols), error);
  if (self->module == NULL)
    return FALSE;
  if (self->fd && self->api.set_fd_bit_rate == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                   "neovi: CAN FD (option fd) needs icsneoSetFDBitRate, which %s does not export "
                   "(an icsneo40 library without CAN FD)", g_module_name (self->module));
      return FALSE;
    }

  /* Every device type (0xFFFFFFFF), then the one asked for. */
  if (self->api.find_neo_devices (0xFFFFFFFFu, devices, &n) != 1)
    n = 0;
  for (int i = 0; i < n && found < 0; i++)
    if (self->serial == 0 || devices[i].SerialNumber == self->serial)
      found = i;
  if (found < 0)
    {
      if (self->serial != 0)
        g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE, "neoVI: no device with serial number %d",
                     self->serial);
      else
        g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE, "neoVI: no device is connected");
      return FALSE;
    }
  self->serial = devices[found].SerialNumber;

  if (self->api.open_neo_device (&devices[found], &self->device, NULL, 1, 0) != 1)
    {
      self->device = NULL;
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE,
                   "neoVI %d: cannot open (in use by another program?)", self->serial);
      return FALSE;
    }
  if (self->bitrate != 0)
    {
      if (self->api.set_bit_rate (self->device, self->bitrate, self->network) != 1)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       "neoVI %d: network %d refused %u bit/s", self->serial, self->network, self->bitrate);
          return FALSE;
        }
      canopy_bus_set_bitrate (bus, self->bitrate);
    }
  if (self->fd && self->data_bitrate != 0)
    {
      if (self->api.set_fd_bit_rate (self->device, self->data_bitrate, self->network) != 1)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       "neoVI %d: network %d refused a CAN FD data rate of %u bit/s", self->serial, self->network,
                       self->data_bitrate);
          return FALSE;
        }
      canopy_bus_set_data_bitrate (bus, self->data_bitrate);
    }

  self->rx = g_new (CanopyIcsSpyMessage, CANOPY_ICS_MAX_MESSAGES);
  info = g_strdup_printf ("neoVI %d network %d%s", self->serial, self->network, self->fd ? ", CAN FD" : "");
  _canopy_bus_set_channel_info (bus, info);
  return TRUE;
}

static void
canopy_neovi_bus_finalize (GObject *object)
{
  CanopyNeoviBus *self = CANOPY_NEOVI_BUS (object);

  close_device (self);
  _canopy_vendor_reader_clear (&self->reader);
  g_free (self->rx);
  g_free (self->library_path);

  G_OBJECT_CLASS (canopy_neovi_bus_parent_class)->finalize (object);
}

static void
canopy_neovi_bus_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CanopyNeoviBus *self = CANOPY_NEOVI_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_value_set_int (value, self->network);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_neovi_bus_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CanopyNeoviBus *self = CANOPY_NEOVI_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      self->network = g_value_get_int (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_neovi_bus_class_init (CanopyNeoviBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  object_class->finalize = canopy_neovi_bus_finalize;
  object_class->get_property = canopy_neovi_bus_get_property;
  object_class->set_property = canopy_neovi_bus_set_property;

  bus_class->configure = canopy_neovi_bus_configure;
  bus_class->open = canopy_neovi_bus_open;
  bus_class->send = canopy_neovi_bus_send;
  bus_class->recv = canopy_neovi_bus_recv;
  bus_class->shutdown = canopy_neovi_bus_shutdown;

  /**
   * CanopyNeoviBus:channel:
   *
   * The network id: 1 for HS-CAN.
   */
  properties[PROP_CHANNEL] =
    g_param_spec_int ("channel", NULL, NULL, 0, 255, CANOPY_ICS_NETID_HSCAN,
                      (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_neovi_bus_init (CanopyNeoviBus *self)
{
  _canopy_vendor_reader_init (&self->reader);
  self->network = CANOPY_ICS_NETID_HSCAN;
}

void
_canopy_neovi_bus_register (void)
{
  _canopy_interface_register ("neovi", NULL, CANOPY_TYPE_NEOVI_BUS,
                              "Intrepid neoVI and ValueCAN devices (icsneo40; CAN FD with fd)",
                              "Intrepid's icsneo40.dll or libicsneo's libicsneolegacy.so; channel: the network id, 1 …");
}
