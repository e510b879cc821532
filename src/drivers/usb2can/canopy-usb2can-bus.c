/* canopy-usb2can-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib.h>

#include "canopy-error.h"
#include "canopy-usb2can-bus.h"

#include "canopy-bus-private.h"
#include "canopy-error-frame-private.h"
#include "canopy-interface-info-private.h"
#include "canopy-options-private.h"
#include "canopy-usb2can-api-private.h"
#include "canopy-usb2can-bus-private.h"
#include "canopy-vendor-library-private.h"
#include "canopy-vendor-wait-private.h"

/**
 * CanopyUsb2canBus:
 *
 * python-can's `usb2can` interface: 8devices' USB2CAN through its CANAL
 * library (`usb2can.dll`, Windows; on Linux the adapter is a SocketCAN
 * device), loaded when a bus opens. The option `library` or the variable
 * `CANOPY_USB2CAN_LIBRARY` names another file.
 *
 * The channel is the adapter's serial number (`ED000200`). Options:
 * `bitrate` (10000 … 1000000, default 500000), `flags` (CANAL open flags).
 *
 * Receiving waits in CanalBlockingReceive(), in slices of a tenth of a
 * second so that shutdown() is never kept waiting. CANAL's relative
 * microsecond stamps are turned into Unix time with an offset taken at the
 * first frame. Status messages become error frames with the controller
 * state. Filters apply here (the library has none that python-can uses).
 *
 * Classic CAN only: CANAL's message carries at most 8 data bytes and has
 * no CAN FD flags, so CAN FD frames are refused with an error.
 */

#define DEFAULT_BITRATE 500000

struct _CanopyUsb2canBus
{
  CanopyBus           parent_instance;

  char               *serial;
  char               *library_path;
  guint               bitrate;
  guint               flags;

  GModule            *module;
  CanopyUsb2canApi    api;
  gint32              handle;
  gboolean            open;
  CanopyVendorReader  reader;

  CanopyVendorClock   clock;    /* microseconds */
};

struct _CanopyUsb2canBusClass
{
  CanopyBusClass parent_class;
};

enum {
  PROP_0,
  PROP_CHANNEL,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyUsb2canBus, canopy_usb2can_bus, CANOPY_TYPE_BUS)

static GParamSpec *properties[N_PROPS];

static const char * const library_names[] = {
#if defined(G_OS_WIN32)
  "usb2can.dll",
#else
  "libusb2can.so",
#endif
  NULL
};

static void
set_canal_error (CanopyUsb2canBus  *self,
                 GError           **error,
                 const char        *what,
                 gint32             result)
{
  gboolean lost = result == CANOPY_CANAL_ERROR_HARDWARE || result == CANOPY_CANAL_ERROR_SUB_DRIVER;

  g_set_error (error, CANOPY_ERROR, lost ? CANOPY_ERROR_CONNECTION_LOST : CANOPY_ERROR_IO,
               "USB2CAN %s: %s (CANAL error %d)", self->serial, what, result);
}

static void
status_error_frame (CanopyUsb2canBus *self,
                    gint64            timestamp_ns,
                    CanopyMessage    *msg)
{
  CanopyCanalStatus status = { 0 };
  guint32 classes = 0;
  guint8 controller = 0;

  self->api.get_status (self->handle, &status);
  if (status.channel_status & CANOPY_CANAL_STATUS_BUS_OFF)
    classes |= CANOPY_ERROR_CLASS_BUS_OFF;
  if (status.channel_status & CANOPY_CANAL_STATUS_PASSIVE)
    controller |= CANOPY_ERROR_CTRL_RX_PASSIVE | CANOPY_ERROR_CTRL_TX_PASSIVE;
  if (status.channel_status & CANOPY_CANAL_STATUS_BUS_WARN)
    controller |= CANOPY_ERROR_CTRL_RX_WARNING | CANOPY_ERROR_CTRL_TX_WARNING;
  if (controller != 0)
    classes |= CANOPY_ERROR_CLASS_CONTROLLER;
  _canopy_error_frame_init (msg, classes, controller, timestamp_ns);
}

static CanopyVendorRead
usb2can_read (gpointer        driver,
              guint           wait_ms,
              CanopyMessage  *msg,
              GError        **error)
{
  CanopyUsb2canBus *self = driver;
  CanopyCanalMsg m = { 0 };
  gint64 timestamp_ns;
  gint32 result;

  result = self->api.blocking_receive (self->handle, &m, wait_ms);
  if (result == CANOPY_CANAL_ERROR_TIMEOUT || result == CANOPY_CANAL_ERROR_FIFO_EMPTY ||
      result == CANOPY_CANAL_ERROR_RCV_EMPTY)
    return CANOPY_VENDOR_READ_NONE;
  if (result != CANOPY_CANAL_ERROR_SUCCESS)
    {
      set_canal_error (self, error, "reading failed", result);
      return CANOPY_VENDOR_READ_FAILED;
    }

  timestamp_ns = _canopy_vendor_clock_unix_ns (&self->clock, m.timestamp);
  memset (msg, 0, sizeof *msg);
  msg->channel = CANOPY_CHANNEL_NONE;
  msg->timestamp_ns = timestamp_ns;
  if (m.flags & CANOPY_CANAL_IDFLAG_STATUS)
    {
      status_error_frame (self, timestamp_ns, msg);
      return CANOPY_VENDOR_READ_FRAME;
    }

  msg->arbitration_id = m.id & ((m.flags & CANOPY_CANAL_IDFLAG_EXTENDED) ? 0x1FFFFFFFu : 0x7FFu);
  msg->flags = ((m.flags & CANOPY_CANAL_IDFLAG_EXTENDED) ? CANOPY_MESSAGE_EXTENDED : 0) |
               ((m.flags & CANOPY_CANAL_IDFLAG_RTR) ? CANOPY_MESSAGE_REMOTE : 0);
  msg->dlc = MIN (m.size_data, 8);
  if (!(m.flags & CANOPY_CANAL_IDFLAG_RTR))
    memcpy (msg->data, m.data, msg->dlc);
  return CANOPY_VENDOR_READ_FRAME;
}

static gboolean
canopy_usb2can_bus_recv (CanopyBus      *bus,
                         CanopyMessage  *msg,
                         double          timeout,
                         GError        **error)
{
  return _canopy_vendor_reader_recv (&CANOPY_USB2CAN_BUS (bus)->reader, bus, usb2can_read, msg, timeout, error);
}

static gboolean
canopy_usb2can_bus_send (CanopyBus            *bus,
                         const CanopyMessage  *msg,
                         double                timeout,
                         GError              **error)
{
  CanopyUsb2canBus *self = CANOPY_USB2CAN_BUS (bus);
  gint64 deadline = timeout < 0 ? G_MAXINT64 : g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);
  CanopyCanalMsg m = { 0 };

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;
  if (msg->flags & (CANOPY_MESSAGE_ERROR | CANOPY_MESSAGE_FD) || msg->dlc > 8)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                           "USB2CAN sends classic data and remote frames only");
      return FALSE;
    }

  m.id = msg->arbitration_id;
  m.flags = ((msg->flags & CANOPY_MESSAGE_EXTENDED) ? CANOPY_CANAL_IDFLAG_EXTENDED : 0) |
            ((msg->flags & CANOPY_MESSAGE_REMOTE) ? CANOPY_CANAL_IDFLAG_RTR : 0);
  m.size_data = msg->dlc;
  memcpy (m.data, msg->data, msg->dlc);

  for (;;)
    {
      gint32 result = self->api.send (self->handle, &m);

      if (result == CANOPY_CANAL_ERROR_SUCCESS)
        return TRUE;
      if (result != CANOPY_CANAL_ERROR_FIFO_FULL && result != CANOPY_CANAL_ERROR_TRM_FULL)
        {
          set_canal_error (self, error, "sending failed", result);
          return FALSE;
        }
      if (g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT,
                       "USB2CAN %s: the transmit queue stayed full", self->serial);
          return FALSE;
        }
      g_usleep (500);
    }
}

static void
usb2can_close (gpointer driver)
{
  CanopyUsb2canBus *self = driver;

  if (self->open)
    self->api.close (self->handle);
  self->open = FALSE;
}

static void
canopy_usb2can_bus_shutdown (CanopyBus *bus)
{
  _canopy_vendor_reader_shutdown (&CANOPY_USB2CAN_BUS (bus)->reader, usb2can_close, bus);
}

static void
canopy_usb2can_bus_update_statistics (CanopyBus           *bus,
                                      CanopyBusStatistics *stats)
{
  CanopyUsb2canBus *self = CANOPY_USB2CAN_BUS (bus);
  CanopyCanalStatus status = { 0 };

  if (!self->open || self->api.get_status (self->handle, &status) != CANOPY_CANAL_ERROR_SUCCESS)
    return;
  if (status.channel_status & CANOPY_CANAL_STATUS_BUS_OFF)
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_BUS_OFF);
  else if (status.channel_status & CANOPY_CANAL_STATUS_PASSIVE)
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_ERROR_PASSIVE);
  else if (status.channel_status & CANOPY_CANAL_STATUS_BUS_WARN)
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_ERROR_WARNING);
  else if (status.channel_status & CANOPY_CANAL_STATUS_ACTIVE)
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_ERROR_ACTIVE);
}

static gboolean
canopy_usb2can_bus_configure (CanopyBus   *bus,
                              const char  *channel,
                              GHashTable  *options,
                              GError     **error)
{
  CanopyUsb2canBus *self = CANOPY_USB2CAN_BUS (bus);
  guint64 bitrate, flags;

  if (!_canopy_options_get_uint (options, "bitrate", 0, 1000000, &bitrate, error) ||
      !_canopy_options_get_uint (options, "flags", 0, G_MAXUINT32, &flags, error))
    return FALSE;

  self->bitrate = bitrate;
  self->flags = flags;
  g_free (self->serial);
  self->serial = g_strdup (channel);
  g_free (self->library_path);
  self->library_path = g_strdup (options ? g_hash_table_lookup (options, "library") : NULL);
  return TRUE;
}

static gboolean
canopy_usb2can_bus_open (CanopyBus     *bus,
                         GCancellable  *cancellable,
                         GError       **error)
{
  CanopyUsb2canBus *self = CANOPY_USB2CAN_BUS (bus);
  const CanopyVendorSymbol symbols[] = {
    { "CanalOpen", (gpointer *) &self->api.open, FALSE },
    { "CanalClose", (gpointer *) &self->api.close, FALSE },
    { "CanalSend", (gpointer *) &self->api.send, FALSE },
    { "CanalBlockingReceive", (gpointer *) &self->api.blocking_receive, FALSE },
    { "CanalGetStatus", (gpointer *) &self->api.get_status, FALSE },
  };
  g_autofree char *config = NULL;
  g_autofree char *info = NULL;

  if (self->serial == NULL || *self->serial == '\0' || strchr (self->serial, ';') != NULL)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "usb2can needs the adapter's serial number as its channel (ED000200)");
      return FALSE;
    }
  if (self->bitrate == 0)
    self->bitrate = canopy_bus_get_bitrate (bus) ? canopy_bus_get_bitrate (bus) : DEFAULT_BITRATE;
  if (self->bitrate % 1000 != 0 || self->bitrate < 10000 || self->bitrate > 1000000)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "USB2CAN takes bit rates in whole kbit/s from 10000 to 1000000, not %u", self->bitrate);
      return FALSE;
    }

  self->module = _canopy_vendor_library_open ("usb2can", self->library_path, "CANOPY_USB2CAN_LIBRARY",
                                              library_names, symbols, G_N_ELEMENTS (symbols), error);
  if (self->module == NULL)
    return FALSE;

  /* CANAL's configuration string: "serial; kbit/s". */
  config = g_strdup_printf ("%s; %u", self->serial, self->bitrate / 1000);
  self->handle = self->api.open (config, self->flags);
  if (self->handle <= 0)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE,
                   "USB2CAN %s: cannot open (is the adapter plugged in?)", self->serial);
      return FALSE;
    }
  self->open = TRUE;
  canopy_bus_set_bitrate (bus, self->bitrate);

  info = g_strdup_printf ("USB2CAN %s, %u bit/s", self->serial, self->bitrate);
  _canopy_bus_set_channel_info (bus, info);
  return TRUE;
}

static void
canopy_usb2can_bus_finalize (GObject *object)
{
  CanopyUsb2canBus *self = CANOPY_USB2CAN_BUS (object);

  if (self->open)
    self->api.close (self->handle);
  _canopy_vendor_reader_clear (&self->reader);
  g_free (self->serial);
  g_free (self->library_path);

  G_OBJECT_CLASS (canopy_usb2can_bus_parent_class)->finalize (object);
}

static void
canopy_usb2can_bus_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CanopyUsb2canBus *self = CANOPY_USB2CAN_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_value_set_string (value, self->serial);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_usb2can_bus_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CanopyUsb2canBus *self = CANOPY_USB2CAN_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_free (self->serial);
      self->serial = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_usb2can_bus_class_init (CanopyUsb2canBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  object_class->finalize = canopy_usb2can_bus_finalize;
  object_class->get_property = canopy_usb2can_bus_get_property;
  object_class->set_property = canopy_usb2can_bus_set_property;

  bus_class->configure = canopy_usb2can_bus_configure;
  bus_class->open = canopy_usb2can_bus_open;
  bus_class->send = canopy_usb2can_bus_send;
  bus_class->recv = canopy_usb2can_bus_recv;
  bus_class->shutdown = canopy_usb2can_bus_shutdown;
  bus_class->update_statistics = canopy_usb2can_bus_update_statistics;

  /**
   * CanopyUsb2canBus:channel:
   *
   * The adapter's serial number.
   */
  properties[PROP_CHANNEL] =
    g_param_spec_string ("channel", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_usb2can_bus_init (CanopyUsb2canBus *self)
{
  _canopy_vendor_reader_init (&self->reader);
  _canopy_vendor_clock_init (&self->clock, 1000.0);
}

void
_canopy_usb2can_bus_register (void)
{
  _canopy_interface_register ("usb2can", NULL, CANOPY_TYPE_USB2CAN_BUS,
                              "8devices USB2CAN (CANAL; classic CAN only)",
                              "8devices' usb2can.dll (on Linux the adapter is a socketcan device); "
                              "channel: the adapter's serial number");
}
