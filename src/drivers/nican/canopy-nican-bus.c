/* canopy-nican-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib.h>

#include "canopy-error.h"
#include "canopy-nican-bus.h"

#include "canopy-bus-private.h"
#include "canopy-error-frame-private.h"
#include "canopy-interface-info-private.h"
#include "canopy-nican-api-private.h"
#include "canopy-nican-bus-private.h"
#include "canopy-options-private.h"
#include "canopy-vendor-library-private.h"
#include "canopy-vendor-wait-private.h"

/**
 * CanopyNicanBus:
 *
 * python-can's `nican` interface: National Instruments CAN boards through
 * the NI-CAN Frame API (`nican.dll`), loaded when a bus opens. The option
 * `library` or the variable `CANOPY_NICAN_LIBRARY` names another file.
 *
 * The channel is the NI-CAN interface name (`CAN0`). Options: `bitrate`
 * (default 500000), `log_errors` (receive communication errors as error
 * frames, default true).
 *
 * Receiving waits in ncWaitForState() for NC_ST_READ_AVAIL, in slices of a
 * tenth of a second so that shutdown() is never kept waiting. NI-CAN stamps
 * frames with the Windows system time, turned into Unix time. Filters apply
 * here: the board's one code and mask per identifier kind are fixed when it
 * opens.
 *
 * Classic CAN only: the NI-CAN Frame API has no CAN FD (NI's CAN FD boards
 * speak NI-XNET, another API), so CAN FD frames are refused with an error.
 */

#define DEFAULT_BITRATE 500000
#define QUEUE_LENGTH    1024
/* 100 ns intervals between 1601-01-01 and 1970-01-01 */
#define FILETIME_UNIX_EPOCH G_GUINT64_CONSTANT (116444736000000000)

struct _CanopyNicanBus
{
  CanopyBus             parent_instance;

  char                 *channel;
  char                 *library_path;
  guint                 bitrate;
  gboolean              log_errors;

  GModule              *module;
  CanopyNicanApi        api;
  CanopyNicanObjHandle  handle;
  gboolean              open;
  CanopyVendorReader    reader;
};

struct _CanopyNicanBusClass
{
  CanopyBusClass parent_class;
};

enum {
  PROP_0,
  PROP_CHANNEL,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyNicanBus, canopy_nican_bus, CANOPY_TYPE_BUS)

static GParamSpec *properties[N_PROPS];

static const char * const library_names[] = {
#if defined(G_OS_WIN32)
  "nican.dll",
#else
  "libnican.so",
#endif
  NULL
};

static void
set_nican_error (CanopyNicanBus     *self,
                 GError            **error,
                 int                 code,
                 const char         *what,
                 CanopyNicanStatus   status)
{
  char text[1024] = "";

  if (self->api.status_to_string != NULL)
    self->api.status_to_string (status, sizeof text, text);
  text[sizeof text - 1] = '\0';
  g_set_error (error, CANOPY_ERROR, code, "NI-CAN %s: %s: %s (status %d)", self->channel, what,
               *text ? text : "unknown error", status);
}

static CanopyVendorRead
nican_read (gpointer        driver,
            guint           wait_ms,
            CanopyMessage  *msg,
            GError        **error)
{
  CanopyNicanBus *self = driver;
  CanopyNicanRxFrame frame;
  CanopyNicanStatus status;
  guint32 state = 0;
  gboolean extended;

  status = self->api.wait_for_state (self->handle, CANOPY_NICAN_ST_READ_AVAIL, wait_ms, &state);
  if (status == CANOPY_NICAN_ERR_TIMEOUT)
    return CANOPY_VENDOR_READ_NONE;
  if (status >= 0)
    status = self->api.read (self->handle, sizeof frame, &frame);
  if (status < 0)
    {
      set_nican_error (self, error, CANOPY_ERROR_CONNECTION_LOST, "reading failed", status);
      return CANOPY_VENDOR_READ_FAILED;
    }

  memset (msg, 0, sizeof *msg);
  msg->channel = CANOPY_CHANNEL_NONE;
  msg->timestamp_ns = frame.timestamp > FILETIME_UNIX_EPOCH ? (gint64) (frame.timestamp - FILETIME_UNIX_EPOCH) * 100 : 0;
  if (frame.frame_type == CANOPY_NICAN_FRMTYPE_COMM_ERR)
    {
      _canopy_error_frame_init (msg, CANOPY_ERROR_CLASS_PROTOCOL | CANOPY_ERROR_CLASS_BUS_ERROR, 0,
                                msg->timestamp_ns);
      return CANOPY_VENDOR_READ_FRAME;
    }

  extended = (frame.arbitration_id & CANOPY_NICAN_FL_CAN_ARBID_XTD) != 0;
  msg->arbitration_id = frame.arbitration_id & (extended ? 0x1FFFFFFFu : 0x7FFu);
  msg->flags = (extended ? CANOPY_MESSAGE_EXTENDED : 0) |
               (frame.frame_type == CANOPY_NICAN_FRMTYPE_REMOTE ? CANOPY_MESSAGE_REMOTE : 0);
  msg->dlc = MIN (frame.data_length, 8);
  if (frame.frame_type == CANOPY_NICAN_FRMTYPE_DATA)
    memcpy (msg->data, frame.data, msg->dlc);
  return CANOPY_VENDOR_READ_FRAME;
}

static gboolean
canopy_nican_bus_recv (CanopyBus      *bus,
                       CanopyMessage  *msg,
                       double          timeout,
                       GError        **error)
{
  return _canopy_vendor_reader_recv (&CANOPY_NICAN_BUS (bus)->reader, bus, nican_read, msg, timeout, error);
}

static gboolean
canopy_nican_bus_send (CanopyBus            *bus,
                       const CanopyMessage  *msg,
                       double                timeout,
                       GError              **error)
{
  CanopyNicanBus *self = CANOPY_NICAN_BUS (bus);
  CanopyNicanTxFrame frame = { 0 };
  CanopyNicanStatus status;

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;
  if (msg->flags & (CANOPY_MESSAGE_ERROR | CANOPY_MESSAGE_FD) || msg->dlc > 8)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                           "NI-CAN sends classic data and remote frames only");
      return FALSE;
    }

  frame.arbitration_id = msg->arbitration_id |
                         ((msg->flags & CANOPY_MESSAGE_EXTENDED) ? CANOPY_NICAN_FL_CAN_ARBID_XTD : 0);
  frame.is_remote = (msg->flags & CANOPY_MESSAGE_REMOTE) != 0;
  frame.data_length = msg->dlc;
  memcpy (frame.data, msg->data, msg->dlc);

  /* ncWrite queues the frame (NC_ATTR_WRITE_Q_LEN deep). */
  status = self->api.write (self->handle, sizeof frame, &frame);
  if (status < 0)
    {
      set_nican_error (self, error, CANOPY_ERROR_IO, "sending failed", status);
      return FALSE;
    }
  return TRUE;
}

static void
nican_close (gpointer driver)
{
  CanopyNicanBus *self = driver;

  if (self->open)
    {
      self->api.action (self->handle, CANOPY_NICAN_OP_STOP, 0);
      self->api.close_object (self->handle);
    }
  self->open = FALSE;
}

static void
canopy_nican_bus_shutdown (CanopyBus *bus)
{
  _canopy_vendor_reader_shutdown (&CANOPY_NICAN_BUS (bus)->reader, nican_close, bus);
}

static gboolean
canopy_nican_bus_configure (CanopyBus   *bus,
                            const char  *channel,
                            GHashTable  *options,
                            GError     **error)
{
  CanopyNicanBus *self = CANOPY_NICAN_BUS (bus);
  guint64 bitrate;

  if (!_canopy_options_get_uint (options, "bitrate", 0, G_MAXUINT32, &bitrate, error) ||
      !_canopy_options_get_boolean (options, "log_errors", TRUE, &self->log_errors, error))
    return FALSE;

  self->bitrate = bitrate;
  g_free (self->channel);
  self->channel = g_strdup (channel != NULL && *channel ? channel : "CAN0");
  g_free (self->library_path);
  self->library_path = g_strdup (options ? g_hash_table_lookup (options, "library") : NULL);
  return TRUE;
}

static gboolean
canopy_nican_bus_open (CanopyBus     *bus,
                       GCancellable  *cancellable,
                       GError       **error)
{
  CanopyNicanBus *self = CANOPY_NICAN_BUS (bus);
  const CanopyVendorSymbol symbols[] = {
    { "ncConfig", (gpointer *) &self->api.config, FALSE },
    { "ncOpenObject", (gpointer *) &self->api.open_object, FALSE },
    { "ncCloseObject", (gpointer *) &self->api.close_object, FALSE },
    { "ncAction", (gpointer *) &self->api.action, FALSE },
    { "ncRead", (gpointer *) &self->api.read, FALSE },
    { "ncWrite", (gpointer *) &self->api.write, FALSE },
    { "ncWaitForState", (gpointer *) &self->api.wait_for_state, FALSE },
    { "ncStatusToString", (gpointer *) &self->api.status_to_string, TRUE },
  };
  guint32 ids[] = {
    CANOPY_NICAN_ATTR_START_ON_OPEN, CANOPY_NICAN_ATTR_BAUD_RATE, CANOPY_NICAN_ATTR_READ_Q_LEN,
    CANOPY_NICAN_ATTR_WRITE_Q_LEN, CANOPY_NICAN_ATTR_CAN_COMP_STD, CANOPY_NICAN_ATTR_CAN_MASK_STD,
    CANOPY_NICAN_ATTR_CAN_COMP_XTD, CANOPY_NICAN_ATTR_CAN_MASK_XTD, CANOPY_NICAN_ATTR_LOG_COMM_ERRS,
  };
  guint32 values[G_N_ELEMENTS (ids)];
  g_autofree char *info = NULL;
  CanopyNicanStatus status;

  if (self->bitrate == 0)
    self->bitrate = canopy_bus_get_bitrate (bus) ? canopy_bus_get_bitrate (bus) : DEFAULT_BITRATE;

  self->module = _canopy_vendor_library_open ("nican", self->library_path, "CANOPY_NICAN_LIBRARY", library_names,
                                              symbols, G_N_ELEMENTS (symbols), error);
  if (self->module == NULL)
    return FALSE;

  /* Start on open, the bit rate, queues, every identifier (mask 0). */
  values[0] = 1;
  values[1] = self->bitrate;
  values[2] = QUEUE_LENGTH;
  values[3] = QUEUE_LENGTH;
  values[4] = values[5] = values[6] = values[7] = 0;
  values[8] = self->log_errors;

  status = self->api.config (self->channel, G_N_ELEMENTS (ids), ids, values);
  if (status < 0)
    {
      set_nican_error (self, error, CANOPY_ERROR_INVALID_ARGUMENT, "cannot configure", status);
      return FALSE;
    }
  status = self->api.open_object (self->channel, &self->handle);
  if (status < 0)
    {
      set_nican_error (self, error, CANOPY_ERROR_NOT_AVAILABLE, "cannot open", status);
      return FALSE;
    }
  self->open = TRUE;
  canopy_bus_set_bitrate (bus, self->bitrate);

  info = g_strdup_printf ("NI-CAN %s, %u bit/s", self->channel, self->bitrate);
  _canopy_bus_set_channel_info (bus, info);
  return TRUE;
}

static void
canopy_nican_bus_finalize (GObject *object)
{
  CanopyNicanBus *self = CANOPY_NICAN_BUS (object);

  if (self->open)
    self->api.close_object (self->handle);
  _canopy_vendor_reader_clear (&self->reader);
  g_free (self->channel);
  g_free (self->library_path);

  G_OBJECT_CLASS (canopy_nican_bus_parent_class)->finalize (object);
}

static void
canopy_nican_bus_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CanopyNicanBus *self = CANOPY_NICAN_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_value_set_string (value, self->channel);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_nican_bus_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CanopyNicanBus *self = CANOPY_NICAN_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_free (self->channel);
      self->channel = g_value_dup_string (value);
      if (self->channel == NULL)
        self->channel = g_strdup ("CAN0");
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_nican_bus_class_init (CanopyNicanBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  object_class->finalize = canopy_nican_bus_finalize;
  object_class->get_property = canopy_nican_bus_get_property;
  object_class->set_property = canopy_nican_bus_set_property;

  bus_class->configure = canopy_nican_bus_configure;
  bus_class->open = canopy_nican_bus_open;
  bus_class->send = canopy_nican_bus_send;
  bus_class->recv = canopy_nican_bus_recv;
  bus_class->shutdown = canopy_nican_bus_shutdown;

  /**
   * CanopyNicanBus:channel:
   *
   * The NI-CAN interface name, `CAN0`.
   */
  properties[PROP_CHANNEL] =
    g_param_spec_string ("channel", NULL, NULL, "CAN0",
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_nican_bus_init (CanopyNicanBus *self)
{
  _canopy_vendor_reader_init (&self->reader);
  self->channel = g_strdup ("CAN0");
  self->log_errors = TRUE;
}

void
_canopy_nican_bus_register (void)
{
  _canopy_interface_register ("nican", NULL, CANOPY_TYPE_NICAN_BUS,
                              "National Instruments NI-CAN boards (classic CAN only)",
                              "NI-CAN's nican.dll; channel CAN0, CAN1, …");
}
