/* canopy-kvaser-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib.h>

#include "canopy-error.h"
#include "canopy-kvaser-bus.h"

#include "canopy-bus-private.h"
#include "canopy-error-frame-private.h"
#include "canopy-interface-info-private.h"
#include "canopy-kvaser-api-private.h"
#include "canopy-kvaser-bus-private.h"
#include "canopy-options-private.h"
#include "canopy-vendor-channel-private.h"
#include "canopy-vendor-library-private.h"
#include "canopy-vendor-wait-private.h"

/**
 * CanopyKvaserBus:
 *
 * python-can's `kvaser` interface: Kvaser adapters through CANlib
 * (`canlib32.dll` on Windows, `libcanlib.so.1` on Linux), loaded when a bus
 * opens — Canopy needs no Kvaser software to build. The option `library`
 * or the variable `CANOPY_KVASER_LIBRARY` names another file.
 *
 * The channel is CANlib's channel number (`0`). Options: `bitrate`
 * (10000 … 1000000, default 500000), `fd` with `data_bitrate` (500000,
 * 1000000, 2000000, 4000000 or 8000000) for CAN FD, `exclusive`,
 * `accept_virtual` (default true).
 *
 * Receiving waits in canReadWait(), CANlib's own blocking read, in slices
 * of a tenth of a second so that shutdown() is never kept waiting.
 * Timestamps (CANlib's microsecond timer) are turned into Unix time with an
 * offset read at open. Error frames arrive as error frames in SocketCAN's
 * layout. One filter per identifier kind is set in the controller
 * (canSetAcceptanceFilter); all filters also apply here.
 */

#define DEFAULT_BITRATE 500000

struct _CanopyKvaserBus
{
  CanopyBus           parent_instance;

  int                 channel;
  char               *library_path;
  guint               bitrate;
  guint               data_bitrate;
  gboolean            fd;
  gboolean            exclusive;
  gboolean            accept_virtual;

  GModule            *module;
  CanopyKvaserApi     api;
  CanopyKvaserHandle  handle;
  gboolean            open;
  CanopyVendorReader  reader;

  CanopyVendorClock   clock;    /* microseconds */
};

struct _CanopyKvaserBusClass
{
  CanopyBusClass parent_class;
};

enum {
  PROP_0,
  PROP_CHANNEL,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyKvaserBus, canopy_kvaser_bus, CANOPY_TYPE_BUS)

static GParamSpec *properties[N_PROPS];

static const char * const library_names[] = {
#if defined(G_OS_WIN32)
  "canlib32.dll",
#else
  "libcanlib.so.1",
  "libcanlib.so",
#endif
  NULL
};

static const struct {
  guint bitrate;
  long  code;
} bitrates[] = {
  { 1000000, CANOPY_KVASER_BITRATE_1M }, { 500000, CANOPY_KVASER_BITRATE_500K },
  { 250000, CANOPY_KVASER_BITRATE_250K }, { 125000, CANOPY_KVASER_BITRATE_125K },
  { 100000, CANOPY_KVASER_BITRATE_100K }, { 83000, CANOPY_KVASER_BITRATE_83K },
  { 62000, CANOPY_KVASER_BITRATE_62K }, { 50000, CANOPY_KVASER_BITRATE_50K },
  { 10000, CANOPY_KVASER_BITRATE_10K },
}, data_bitrates[] = {
  { 500000, CANOPY_KVASER_FD_BITRATE_500K_80P }, { 1000000, CANOPY_KVASER_FD_BITRATE_1M_80P },
  { 2000000, CANOPY_KVASER_FD_BITRATE_2M_80P }, { 4000000, CANOPY_KVASER_FD_BITRATE_4M_80P },
  { 8000000, CANOPY_KVASER_FD_BITRATE_8M_60P },
};

static void
set_status_error (CanopyKvaserBus    *self,
                  GError            **error,
                  const char         *what,
                  CanopyKvaserStatus  status)
{
  char text[256] = "";
  int code = CANOPY_ERROR_IO;

  if (self->api.get_error_text == NULL || self->api.get_error_text (status, text, sizeof text) != CANOPY_KVASER_OK)
    g_snprintf (text, sizeof text, "status %d", status);
  if (status == CANOPY_KVASER_ERR_HARDWARE || status == CANOPY_KVASER_ERR_INVHANDLE ||
      status == CANOPY_KVASER_ERR_DRIVER || status == CANOPY_KVASER_ERR_NOTFOUND)
    code = CANOPY_ERROR_CONNECTION_LOST;

  g_set_error (error, CANOPY_ERROR, code, "Kvaser channel %d: %s: %s (%d)", self->channel, what, text, status);
}

static CanopyVendorRead
kvaser_read (gpointer        driver,
             guint           wait_ms,
             CanopyMessage  *msg,
             GError        **error)
{
  CanopyKvaserBus *self = driver;
  long id = 0;
  unsigned int dlc = 0, flags = 0;
  unsigned long time = 0;
  CanopyKvaserStatus status;

  memset (msg, 0, sizeof *msg);
  status = self->api.read_wait (self->handle, &id, msg->data, &dlc, &flags, &time, wait_ms);
  if (status == CANOPY_KVASER_ERR_NOMSG || status == CANOPY_KVASER_ERR_TIMEOUT)
    return CANOPY_VENDOR_READ_NONE;
  if (status != CANOPY_KVASER_OK)
    {
      set_status_error (self, error, "reading failed", status);
      return CANOPY_VENDOR_READ_FAILED;
    }

  msg->channel = CANOPY_CHANNEL_NONE;
  msg->timestamp_ns = _canopy_vendor_clock_unix_ns (&self->clock, (guint32) time);
  if (flags & CANOPY_KVASER_MSG_ERROR_FRAME)
    {
      _canopy_error_frame_init (msg, CANOPY_ERROR_CLASS_PROTOCOL | CANOPY_ERROR_CLASS_BUS_ERROR, 0,
                                msg->timestamp_ns);
      return CANOPY_VENDOR_READ_FRAME;
    }

  msg->arbitration_id = (guint32) id & ((flags & CANOPY_KVASER_MSG_EXT) ? 0x1FFFFFFFu : 0x7FFu);
  msg->dlc = MIN (dlc, (flags & CANOPY_KVASER_FDMSG_FDF) ? 64u : 8u);
  msg->flags = ((flags & CANOPY_KVASER_MSG_EXT) ? CANOPY_MESSAGE_EXTENDED : 0) |
               ((flags & CANOPY_KVASER_MSG_RTR) ? CANOPY_MESSAGE_REMOTE : 0) |
               ((flags & CANOPY_KVASER_FDMSG_FDF) ? CANOPY_MESSAGE_FD : 0) |
               ((flags & CANOPY_KVASER_FDMSG_BRS) ? CANOPY_MESSAGE_BRS : 0) |
               ((flags & CANOPY_KVASER_FDMSG_ESI) ? CANOPY_MESSAGE_ESI : 0) |
               ((flags & CANOPY_KVASER_MSG_TXACK) ? CANOPY_MESSAGE_TX : 0);
  if (msg->flags & CANOPY_MESSAGE_REMOTE)
    memset (msg->data, 0, sizeof msg->data);
  return CANOPY_VENDOR_READ_FRAME;
}

static gboolean
canopy_kvaser_bus_recv (CanopyBus      *bus,
                        CanopyMessage  *msg,
                        double          timeout,
                        GError        **error)
{
  return _canopy_vendor_reader_recv (&CANOPY_KVASER_BUS (bus)->reader, bus, kvaser_read, msg, timeout, error);
}

static gboolean
canopy_kvaser_bus_send (CanopyBus            *bus,
                        const CanopyMessage  *msg,
                        double                timeout,
                        GError              **error)
{
  CanopyKvaserBus *self = CANOPY_KVASER_BUS (bus);
  gint64 deadline = timeout < 0 ? G_MAXINT64 : g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);
  guint8 data[CANOPY_MESSAGE_MAX_DATA];
  unsigned int flags;

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;

  if (msg->flags & CANOPY_MESSAGE_ERROR)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED, "Kvaser CANlib cannot send error frames");
      return FALSE;
    }
  if ((msg->flags & CANOPY_MESSAGE_FD) && !self->fd)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                   "Kvaser channel %d was not opened for CAN FD (option fd)", self->channel);
      return FALSE;
    }

  flags = ((msg->flags & CANOPY_MESSAGE_EXTENDED) ? CANOPY_KVASER_MSG_EXT : CANOPY_KVASER_MSG_STD) |
          ((msg->flags & CANOPY_MESSAGE_REMOTE) ? CANOPY_KVASER_MSG_RTR : 0) |
          ((msg->flags & CANOPY_MESSAGE_FD) ? CANOPY_KVASER_FDMSG_FDF : 0) |
          ((msg->flags & CANOPY_MESSAGE_BRS) ? CANOPY_KVASER_FDMSG_BRS : 0);
  memcpy (data, msg->data, sizeof data);

  for (;;)
    {
      CanopyKvaserStatus status = self->api.write (self->handle, msg->arbitration_id, data, msg->dlc, flags);

      if (status == CANOPY_KVASER_OK)
        return TRUE;
      if (status != CANOPY_KVASER_ERR_TXBUFOFL)
        {
          set_status_error (self, error, "sending failed", status);
          return FALSE;
        }
      if (g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT,
                       "Kvaser channel %d: the transmit buffer stayed full", self->channel);
          return FALSE;
        }
      g_usleep (500);
    }
}

/* One code/mask per identifier kind fits the controller; more filters open
 * it. Everything is filtered here as well. */
static gboolean
canopy_kvaser_bus_set_filters (CanopyBus           *bus,
                               const CanopyFilter  *filters,
                               guint                n_filters,
                               gboolean            *software,
                               GError             **error)
{
  CanopyKvaserBus *self = CANOPY_KVASER_BUS (bus);
  const CanopyFilter *standard = NULL, *extended = NULL;
  guint n_standard = 0, n_extended = 0;

  *software = TRUE;

  for (guint i = 0; i < n_filters; i++)
    {
      if (filters[i].extended)
        extended = &filters[i], n_extended++;
      else
        standard = &filters[i], n_standard++;
    }

  /* A kind without a filter of its own passes nothing in hardware only
   * when the other kind is filtered; python-can's filters match both
   * kinds unless marked, so open what is not exactly one filter. */
  self->api.set_acceptance_filter (self->handle, n_standard == 1 ? standard->can_id : 0,
                                   n_standard == 1 ? standard->can_mask : 0, 0);
  self->api.set_acceptance_filter (self->handle, n_extended == 1 ? extended->can_id : 0,
                                   n_extended == 1 ? extended->can_mask : 0, 1);
  return TRUE;
}

static gboolean
canopy_kvaser_bus_flush_tx_buffer (CanopyBus  *bus,
                                   GError    **error)
{
  CanopyKvaserBus *self = CANOPY_KVASER_BUS (bus);
  CanopyKvaserStatus status;

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;
  status = self->api.io_ctl (self->handle, CANOPY_KVASER_IOCTL_FLUSH_TX_BUFFER, NULL, 0);
  if (status != CANOPY_KVASER_OK)
    {
      set_status_error (self, error, "flushing the transmit buffer failed", status);
      return FALSE;
    }
  return TRUE;
}

static void
kvaser_close (gpointer driver)
{
  CanopyKvaserBus *self = driver;

  if (self->open)
    {
      self->api.bus_off (self->handle);
      self->api.close (self->handle);
    }
  self->open = FALSE;
}

static void
canopy_kvaser_bus_shutdown (CanopyBus *bus)
{
  _canopy_vendor_reader_shutdown (&CANOPY_KVASER_BUS (bus)->reader, kvaser_close, bus);
}

static void
canopy_kvaser_bus_update_statistics (CanopyBus           *bus,
                                     CanopyBusStatistics *stats)
{
  CanopyKvaserBus *self = CANOPY_KVASER_BUS (bus);
  unsigned long flags = 0;

  if (!self->open || self->api.read_status (self->handle, &flags) != CANOPY_KVASER_OK)
    return;

  if (flags & CANOPY_KVASER_STAT_BUS_OFF)
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_BUS_OFF);
  else if (flags & CANOPY_KVASER_STAT_ERROR_PASSIVE)
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_ERROR_PASSIVE);
  else if (flags & CANOPY_KVASER_STAT_ERROR_WARNING)
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_ERROR_WARNING);
  else if (flags & CANOPY_KVASER_STAT_ERROR_ACTIVE)
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_ERROR_ACTIVE);
}

static gboolean
canopy_kvaser_bus_configure (CanopyBus   *bus,
                             const char  *channel,
                             GHashTable  *options,
                             GError     **error)
{
  CanopyKvaserBus *self = CANOPY_KVASER_BUS (bus);
  guint64 bitrate, data_bitrate, number;

  if (!_canopy_options_get_uint (options, "bitrate", 0, G_MAXUINT, &bitrate, error) ||
      !_canopy_options_get_uint (options, "data_bitrate", 0, G_MAXUINT, &data_bitrate, error) ||
      !_canopy_options_get_boolean (options, "fd", FALSE, &self->fd, error) ||
      !_canopy_options_get_boolean (options, "exclusive", FALSE, &self->exclusive, error) ||
      !_canopy_options_get_boolean (options, "accept_virtual", TRUE, &self->accept_virtual, error))
    return FALSE;

  if (!_canopy_vendor_parse_channel_number (channel, 0, G_MAXINT, "a Kvaser channel number (0, 1, …)",
                                            &number, error))
    return FALSE;

  self->channel = number;
  self->bitrate = bitrate;
  self->data_bitrate = data_bitrate;
  g_free (self->library_path);
  self->library_path = g_strdup (options ? g_hash_table_lookup (options, "library") : NULL);
  return TRUE;
}

static gboolean
load_library (CanopyKvaserBus  *self,
              GError          **error)
{
  const CanopyVendorSymbol symbols[] = {
    { "canInitializeLibrary", (gpointer *) &self->api.initialize_library, FALSE },
    { "canOpenChannel", (gpointer *) &self->api.open_channel, FALSE },
    { "canClose", (gpointer *) &self->api.close, FALSE },
    { "canSetBusParams", (gpointer *) &self->api.set_bus_params, FALSE },
    { "canSetBusParamsFd", (gpointer *) &self->api.set_bus_params_fd, TRUE },
    { "canBusOn", (gpointer *) &self->api.bus_on, FALSE },
    { "canBusOff", (gpointer *) &self->api.bus_off, FALSE },
    { "canWrite", (gpointer *) &self->api.write, FALSE },
    { "canReadWait", (gpointer *) &self->api.read_wait, FALSE },
    { "canSetAcceptanceFilter", (gpointer *) &self->api.set_acceptance_filter, FALSE },
    { "canReadStatus", (gpointer *) &self->api.read_status, FALSE },
    { "canGetErrorText", (gpointer *) &self->api.get_error_text, TRUE },
    { "canIoCtl", (gpointer *) &self->api.io_ctl, FALSE },
    { "kvReadTimer", (gpointer *) &self->api.read_timer, FALSE },
    { "canGetChannelData", (gpointer *) &self->api.get_channel_data, TRUE },
  };

  self->module = _canopy_vendor_library_open ("kvaser", self->library_path, "CANOPY_KVASER_LIBRARY", library_names,
                                              symbols, G_N_ELEMENTS (symbols), error);
  return self->module != NULL;
}

static gboolean
canopy_kvaser_bus_open (CanopyBus     *bus,
                        GCancellable  *cancellable,
                        GError       **error)
{
  CanopyKvaserBus *self = CANOPY_KVASER_BUS (bus);
  char description[128] = "";
  g_autofree char *info = NULL;
  CanopyKvaserStatus status;
  unsigned int scale_us = 1, timer = 0;
  long code = 0, data_code = 0;
  int flags;

  if (self->bitrate == 0)
    self->bitrate = canopy_bus_get_bitrate (bus) ? canopy_bus_get_bitrate (bus) : DEFAULT_BITRATE;
  if (self->fd && self->data_bitrate == 0)
    self->data_bitrate = canopy_bus_get_data_bitrate (bus) ? canopy_bus_get_data_bitrate (bus) : 2000000;

  for (guint i = 0; i < G_N_ELEMENTS (bitrates); i++)
    if (bitrates[i].bitrate == self->bitrate)
      code = bitrates[i].code;
  if (code == 0)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Kvaser has no predefined bit rate for %u bit/s (1000000, 500000, 250000, 125000, 100000, "
                   "83000, 62000, 50000, 10000)", self->bitrate);
      return FALSE;
    }
  if (self->fd)
    {
      for (guint i = 0; i < G_N_ELEMENTS (data_bitrates); i++)
        if (data_bitrates[i].bitrate == self->data_bitrate)
          data_code = data_bitrates[i].code;
      if (data_code == 0)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       "Kvaser has no predefined CAN FD data bit rate for %u bit/s "
                       "(500000, 1000000, 2000000, 4000000, 8000000)", self->data_bitrate);
          return FALSE;
        }
    }

  if (!load_library (self, error))
    return FALSE;
  if (self->fd && self->api.set_bus_params_fd == NULL)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE,
                           "This CANlib has no CAN FD functions (canSetBusParamsFd)");
      return FALSE;
    }

  self->api.initialize_library ();

  flags = (self->accept_virtual ? CANOPY_KVASER_OPEN_ACCEPT_VIRTUAL : 0) |
          (self->exclusive ? CANOPY_KVASER_OPEN_EXCLUSIVE : 0) |
          (self->fd ? CANOPY_KVASER_OPEN_CAN_FD : 0);
  self->handle = self->api.open_channel (self->channel, flags);
  if (self->handle < 0)
    {
      set_status_error (self, error, "cannot open", self->handle);
      (*error)->code = CANOPY_ERROR_NOT_AVAILABLE;
      return FALSE;
    }
  self->open = TRUE;

  status = self->api.set_bus_params (self->handle, code, 0, 0, 0, 0, 0);
  if (status == CANOPY_KVASER_OK && self->fd)
    status = self->api.set_bus_params_fd (self->handle, data_code, 0, 0, 0);
  if (status != CANOPY_KVASER_OK)
    {
      set_status_error (self, error, "cannot set the bit rate", status);
      (*error)->code = CANOPY_ERROR_INVALID_ARGUMENT;
      return FALSE;
    }
  canopy_bus_set_bitrate (bus, self->bitrate);
  if (self->fd)
    canopy_bus_set_data_bitrate (bus, self->data_bitrate);

  /* Microsecond stamps, and where their zero lies in Unix time. */
  self->api.io_ctl (self->handle, CANOPY_KVASER_IOCTL_SET_TIMER_SCALE, &scale_us, sizeof scale_us);

  status = self->api.bus_on (self->handle);
  if (status != CANOPY_KVASER_OK)
    {
      set_status_error (self, error, "cannot go bus on", status);
      return FALSE;
    }
  /* CANlib's timer is 32 bits of microseconds on some systems. */
  if (self->api.read_timer (self->handle, &timer) == CANOPY_KVASER_OK)
    _canopy_vendor_clock_anchor (&self->clock, timer);

  if (self->api.get_channel_data != NULL)
    self->api.get_channel_data (self->channel, CANOPY_KVASER_CHANNELDATA_DEVDESCR_ASCII, description,
                                sizeof description);
  description[sizeof description - 1] = '\0';
  info = g_strdup_printf ("Kvaser channel %d%s%s%s, %u bit/s%s", self->channel, *description ? " (" : "",
                          description, *description ? ")" : "", self->bitrate, self->fd ? ", CAN FD" : "");
  _canopy_bus_set_channel_info (bus, info);
  return TRUE;
}

static void
canopy_kvaser_bus_finalize (GObject *object)
{
  CanopyKvaserBus *self = CANOPY_KVASER_BUS (object);

  if (self->open)
    self->api.close (self->handle);
  _canopy_vendor_reader_clear (&self->reader);
  g_free (self->library_path);

  G_OBJECT_CLASS (canopy_kvaser_bus_parent_class)->finalize (object);
}

static void
canopy_kvaser_bus_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CanopyKvaserBus *self = CANOPY_KVASER_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_value_set_int (value, self->channel);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_kvaser_bus_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CanopyKvaserBus *self = CANOPY_KVASER_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      self->channel = g_value_get_int (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_kvaser_bus_class_init (CanopyKvaserBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  object_class->finalize = canopy_kvaser_bus_finalize;
  object_class->get_property = canopy_kvaser_bus_get_property;
  object_class->set_property = canopy_kvaser_bus_set_property;

  bus_class->configure = canopy_kvaser_bus_configure;
  bus_class->open = canopy_kvaser_bus_open;
  bus_class->send = canopy_kvaser_bus_send;
  bus_class->recv = canopy_kvaser_bus_recv;
  bus_class->set_filters = canopy_kvaser_bus_set_filters;
  bus_class->flush_tx_buffer = canopy_kvaser_bus_flush_tx_buffer;
  bus_class->shutdown = canopy_kvaser_bus_shutdown;
  bus_class->update_statistics = canopy_kvaser_bus_update_statistics;

  /**
   * CanopyKvaserBus:channel:
   *
   * CANlib's channel number.
   */
  properties[PROP_CHANNEL] =
    g_param_spec_int ("channel", NULL, NULL, 0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_kvaser_bus_init (CanopyKvaserBus *self)
{
  _canopy_vendor_reader_init (&self->reader);
  _canopy_vendor_clock_init (&self->clock, 1000.0);
  self->accept_virtual = TRUE;
}

void
_canopy_kvaser_bus_register (void)
{
  _canopy_interface_register ("kvaser", NULL, CANOPY_TYPE_KVASER_BUS,
                              "Kvaser adapters (CANlib)",
                              "Kvaser's CANlib ("
#if defined(G_OS_WIN32)
                              "canlib32.dll"
#else
                              "libcanlib.so.1"
#endif
                              "); channel 0, 1, …");
}
