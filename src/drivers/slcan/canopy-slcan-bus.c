/* canopy-slcan-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-error.h"
#include "canopy-slcan-bus.h"

#include "canopy-bus-private.h"
#include "canopy-clock-private.h"
#include "canopy-error-frame-private.h"
#include "canopy-interface-info-private.h"
#include "canopy-options-private.h"
#include "canopy-serial-channel-private.h"
#include "canopy-slcan-bus-private.h"
#include "canopy-slcan-codec-private.h"
#include "canopy-stream-link-private.h"

/**
 * CanopySlcanBus:
 *
 * python-can's `slcan` interface: an adapter that speaks the Lawicel ASCII
 * protocol over a serial device (CANUSB, CANable, USBtin, …). The channel
 * is the device, optionally with its serial speed: `/dev/ttyACM0@115200`,
 * `COM4`.
 *
 * Options: `bitrate` (10000 … 1000000, sent as `S0`–`S8`) or `btr` (the
 * SJA1000's BTR0/BTR1 in hex, sent as `s`), `tty_baudrate`, `timestamps`
 * (ask the adapter to stamp frames, `Z1`; the stamps then give the spacing
 * of frames to the millisecond), `status_interval` (seconds between `F`
 * status polls that turn controller errors and overruns into error frames;
 * 0 polls never), `queue_size`.
 *
 * The adapter's version (`V`) and serial number (`N`) are read at open.
 * Lines the adapter sends that are not valid (noise on the wire, a line
 * longer than the protocol allows) are skipped and counted
 * (canopy_slcan_bus_get_skipped()). When the device goes away every call
 * fails with %CANOPY_ERROR_CONNECTION_LOST.
 */

#define DEFAULT_QUEUE_SIZE  16384
#define COMMAND_TIMEOUT_US  (G_USEC_PER_SEC / 2)
#define MINUTE_MS           60000
#define SEND_TIMEOUT_CLOSE  0.1

struct _CanopySlcanBus
{
  CanopyBus           parent_instance;
  CanopyStreamLink         link;     /* first: see CanopyStreamBus */

  /* Configuration, from properties or options. */
  char               *channel;
  guint               bitrate;
  char               *btr;
  guint               tty_baudrate;
  guint               queue_size;
  double              status_interval;

  CanopySlcanDecoder  decoder;
  char               *version;
  char               *serial_number;

  /* One command at a time waits for its reply. */
  GMutex              command_mutex;
  GMutex              reply_mutex;
  GCond               reply_cond;
  gboolean            awaiting_reply;
  gboolean            have_reply;
  CanopySlcanResult   reply;
  CanopySlcanLine     reply_line;

  /* Z1 stamps: milliseconds within a minute, unwrapped against the clock. */
  gboolean            timestamps;
  gint64              stamp_base_ms;
  guint               last_stamp_ms;
  gboolean            have_stamp;

  guint8              last_status;
};

struct _CanopySlcanBusClass
{
  CanopyBusClass parent_class;
};

enum {
  PROP_0,
  PROP_CHANNEL,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopySlcanBus, canopy_slcan_bus, CANOPY_TYPE_BUS)

static GParamSpec *properties[N_PROPS];

/* The adapter's clock only counts milliseconds within a minute: anchor it
 * to the wall clock at the first stamp, follow its wrap-arounds, and
 * re-anchor when the two drift apart by more than a few seconds (a silence
 * of over a minute hides a wrap). */
static gint64
unwrap_timestamp (CanopySlcanBus *self,
                  guint           stamp_ms,
                  gint64          now_ns)
{
  gint64 now_ms = now_ns / 1000000;
  gint64 ms;

  if (self->have_stamp && stamp_ms < self->last_stamp_ms)
    self->stamp_base_ms += MINUTE_MS;

  ms = self->stamp_base_ms + stamp_ms;
  if (!self->have_stamp || ABS (ms - now_ms) > 5000)
    {
      self->stamp_base_ms = now_ms - stamp_ms;
      ms = now_ms;
    }

  self->have_stamp = TRUE;
  self->last_stamp_ms = stamp_ms;
  return ms * 1000000;
}

static void
deliver_status (CanopySlcanBus *self,
                guint8          status,
                gint64          now_ns)
{
  guint32 classes = 0;
  guint8 controller = 0;
  CanopyMessage msg;

  /* Report a condition when it appears, not on every poll. */
  status &= ~self->last_status | CANOPY_SLCAN_STATUS_DATA_OVERRUN | CANOPY_SLCAN_STATUS_BUS_ERROR |
            CANOPY_SLCAN_STATUS_ARB_LOST;
  self->last_status |= status;

  if (status & (CANOPY_SLCAN_STATUS_RX_FULL | CANOPY_SLCAN_STATUS_DATA_OVERRUN))
    controller |= CANOPY_ERROR_CTRL_RX_OVERFLOW;
  if (status & CANOPY_SLCAN_STATUS_TX_FULL)
    controller |= CANOPY_ERROR_CTRL_TX_OVERFLOW;
  if (status & CANOPY_SLCAN_STATUS_ERROR_WARNING)
    controller |= CANOPY_ERROR_CTRL_RX_WARNING | CANOPY_ERROR_CTRL_TX_WARNING;
  if (status & CANOPY_SLCAN_STATUS_ERROR_PASSIVE)
    controller |= CANOPY_ERROR_CTRL_RX_PASSIVE | CANOPY_ERROR_CTRL_TX_PASSIVE;
  if (controller != 0)
    classes |= CANOPY_ERROR_CLASS_CONTROLLER;
  if (status & CANOPY_SLCAN_STATUS_ARB_LOST)
    classes |= CANOPY_ERROR_CLASS_LOST_ARB;
  if (status & CANOPY_SLCAN_STATUS_BUS_ERROR)
    classes |= CANOPY_ERROR_CLASS_BUS_ERROR;
  if (classes == 0)
    return;

  _canopy_error_frame_init (&msg, classes, controller, now_ns);
  _canopy_stream_link_deliver (&self->link, &msg);
}

static void
handle_reply (CanopySlcanBus        *self,
              CanopySlcanResult      result,
              const CanopySlcanLine *line)
{
  g_mutex_lock (&self->reply_mutex);
  if (self->awaiting_reply && !self->have_reply)
    {
      self->reply = result;
      self->reply_line = *line;
      self->have_reply = TRUE;
      g_cond_broadcast (&self->reply_cond);
    }
  g_mutex_unlock (&self->reply_mutex);
}

/* On the reader thread: every chunk the adapter sends. */
static void
slcan_feed (gpointer      owner,
            const guint8 *data,
            gsize         len)
{
  CanopySlcanBus *self = owner;
  CanopySlcanLine line;

  while (len > 0)
    {
      CanopySlcanResult result;
      gsize consumed;
      gint64 now_ns;

      result = _canopy_slcan_decoder_feed (&self->decoder, data, len, &consumed, &line);
      data += consumed;
      len -= consumed;

      switch (result)
        {
        case CANOPY_SLCAN_NEED_MORE:
        case CANOPY_SLCAN_TX_ACK:
          break;

        case CANOPY_SLCAN_SKIPPED:
          _canopy_stream_link_add_skipped (&self->link, 1);
          break;

        case CANOPY_SLCAN_FRAME:
          now_ns = _canopy_clock_realtime_ns ();
          line.msg.timestamp_ns = line.has_timestamp ? unwrap_timestamp (self, line.timestamp_ms, now_ns) : now_ns;
          if (_canopy_bus_accepts (CANOPY_BUS (self), &line.msg))
            _canopy_stream_link_deliver (&self->link, &line.msg);
          break;

        case CANOPY_SLCAN_STATUS:
          deliver_status (self, line.status, _canopy_clock_realtime_ns ());
          handle_reply (self, result, &line);
          break;

        case CANOPY_SLCAN_OK:
        case CANOPY_SLCAN_BELL:
        case CANOPY_SLCAN_VERSION:
        case CANOPY_SLCAN_SERIAL:
        default:
          handle_reply (self, result, &line);
          break;
        }
    }
}

static void
slcan_poll_status (gpointer owner)
{
  CanopySlcanBus *self = owner;

  /* Best effort: a failing device is reported by the reader itself. */
  _canopy_stream_link_write (&self->link, "F\r", 2, 0.1, NULL);
}

/* Sends @command and waits for the adapter's reply. Returns the reply,
 * CANOPY_SLCAN_NEED_MORE when none came in time. */
static CanopySlcanResult
run_command (CanopySlcanBus   *self,
             const char       *command,
             gsize             len,
             CanopySlcanLine  *reply_line,
             GError          **error)
{
  CanopySlcanResult result = CANOPY_SLCAN_NEED_MORE;
  gint64 deadline;

  g_mutex_lock (&self->command_mutex);

  g_mutex_lock (&self->reply_mutex);
  self->awaiting_reply = TRUE;
  self->have_reply = FALSE;
  g_mutex_unlock (&self->reply_mutex);

  if (!_canopy_stream_link_write (&self->link, command, len, 1.0, error))
    {
      result = CANOPY_SLCAN_SKIPPED;
      goto out;
    }

  deadline = g_get_monotonic_time () + COMMAND_TIMEOUT_US;
  g_mutex_lock (&self->reply_mutex);
  while (!self->have_reply)
    if (!g_cond_wait_until (&self->reply_cond, &self->reply_mutex, deadline))
      break;
  if (self->have_reply)
    {
      result = self->reply;
      if (reply_line != NULL)
        *reply_line = self->reply_line;
    }
  self->awaiting_reply = FALSE;
  g_mutex_unlock (&self->reply_mutex);

  if (result == CANOPY_SLCAN_NEED_MORE && !_canopy_stream_link_check (&self->link, error))
    result = CANOPY_SLCAN_SKIPPED;

out:
  g_mutex_lock (&self->reply_mutex);
  self->awaiting_reply = FALSE;
  g_mutex_unlock (&self->reply_mutex);
  g_mutex_unlock (&self->command_mutex);
  return result;
}

/* A command the adapter must accept: OK or an error naming it. */
static gboolean
run_required_command (CanopySlcanBus  *self,
                      const char      *command,
                      gsize            len,
                      const char      *what,
                      GError         **error)
{
  CanopySlcanResult result = run_command (self, command, len, NULL, error);

  switch (result)
    {
    case CANOPY_SLCAN_OK:
    case CANOPY_SLCAN_TX_ACK:
      return TRUE;
    case CANOPY_SLCAN_SKIPPED:
      return FALSE;     /* error set */
    case CANOPY_SLCAN_BELL:
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "slcan adapter on %s refused %s (command %.*s)",
                   self->link.name, what, (int) len - 1, command);
      return FALSE;
    case CANOPY_SLCAN_NEED_MORE:
    default:
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT,
                   "slcan adapter on %s did not answer %s (command %.*s): is it an slcan device?",
                   self->link.name, what, (int) len - 1, command);
      return FALSE;
    }
}

static char *
query_text (CanopySlcanBus    *self,
            const char        *command,
            CanopySlcanResult  expected)
{
  CanopySlcanLine line;

  /* Optional: many adapters answer neither V nor N. */
  if (run_command (self, command, strlen (command), &line, NULL) != expected)
    return NULL;
  return g_strdup (line.text);
}

static gboolean
canopy_slcan_bus_send (CanopyBus            *bus,
                       const CanopyMessage  *msg,
                       double                timeout,
                       GError              **error)
{
  CanopySlcanBus *self = CANOPY_SLCAN_BUS (bus);
  char buf[CANOPY_SLCAN_MAX_COMMAND];
  gsize len;

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;

  len = _canopy_slcan_encode_frame (buf, msg);
  if (len == 0)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                   "slcan cannot send this frame (error frames, CAN FD lengths without a DLC code)");
      return FALSE;
    }

  return _canopy_stream_link_write (&self->link, buf, len, timeout, error);
}

static void
canopy_slcan_bus_shutdown (CanopyBus *bus)
{
  CanopySlcanBus *self = CANOPY_SLCAN_BUS (bus);

  if (self->link.transport != NULL)
    _canopy_stream_link_write (&self->link, "C\r", 2, SEND_TIMEOUT_CLOSE, NULL);
  _canopy_stream_bus_shutdown (bus);
}

/* Brings the adapter from any state to open at the asked bit rate. */
static gboolean
configure_adapter (CanopySlcanBus  *self,
                   GError         **error)
{
  char command[CANOPY_SLCAN_MAX_COMMAND];
  gsize len;

  /* End any half-typed command, then close a channel left open; their
   * answers are awaited so that none is taken for a later one's. C is
   * refused when the channel was closed already. */
  run_command (self, "\r", 1, NULL, NULL);
  run_command (self, "C\r", 2, NULL, NULL);
  if (!_canopy_stream_link_check (&self->link, error))
    return FALSE;

  if (self->btr != NULL)
    {
      len = _canopy_slcan_encode_btr (command, self->btr);
      if (len == 0)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       "Option btr: “%s” is not four hex digits (BTR0 BTR1)", self->btr);
          return FALSE;
        }
      if (!run_required_command (self, command, len, "the bit timing", error))
        return FALSE;
    }
  else if (self->bitrate != 0)
    {
      len = _canopy_slcan_encode_bitrate (command, self->bitrate);
      if (len == 0)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       "slcan has no code for %u bit/s; choose 10000, 20000, 50000, 100000, "
                       "125000, 250000, 500000, 800000 or 1000000, or give btr", self->bitrate);
          return FALSE;
        }
      if (!run_required_command (self, command, len, "the bit rate", error))
        return FALSE;
    }

  if (self->timestamps && !run_required_command (self, "Z1\r", 3, "timestamps", error))
    return FALSE;

  self->version = query_text (self, "V\r", CANOPY_SLCAN_VERSION);
  self->serial_number = query_text (self, "N\r", CANOPY_SLCAN_SERIAL);

  return run_required_command (self, "O\r", 2, "opening the channel", error);
}

static gboolean
get_status_interval (GHashTable  *options,
                     double      *seconds,
                     GError     **error)
{
  const char *text = options != NULL ? g_hash_table_lookup (options, "status_interval") : NULL;
  char *end = NULL;

  *seconds = 0;
  if (text == NULL)
    return TRUE;

  *seconds = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(*seconds >= 0 && *seconds <= 3600))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Option status_interval: “%s” is not a number of seconds (0–3600)", text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
canopy_slcan_bus_configure (CanopyBus   *bus,
                            const char  *channel,
                            GHashTable  *options,
                            GError     **error)
{
  CanopySlcanBus *self = CANOPY_SLCAN_BUS (bus);
  const char *btr = options != NULL ? g_hash_table_lookup (options, "btr") : NULL;
  guint64 bitrate, queue_size;

  if (!_canopy_options_get_uint (options, "bitrate", 0, G_MAXUINT, &bitrate, error) ||
      !_canopy_options_get_uint (options, "queue_size", DEFAULT_QUEUE_SIZE, 16 * 1024 * 1024, &queue_size, error) ||
      !_canopy_options_get_boolean (options, "timestamps", FALSE, &self->timestamps, error) ||
      !_canopy_serial_channel_parse ("slcan", channel, options, CANOPY_SLCAN_BUS_DEFAULT_TTY_BAUDRATE,
                                     &self->channel, &self->tty_baudrate, error) ||
      !get_status_interval (options, &self->status_interval, error))
    return FALSE;

  if (btr != NULL && bitrate != 0)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "Options bitrate and btr exclude each other");
      return FALSE;
    }

  self->bitrate = bitrate;
  self->queue_size = queue_size ? queue_size : DEFAULT_QUEUE_SIZE;
  g_free (self->btr);
  self->btr = g_strdup (btr);
  return TRUE;
}

static gboolean
canopy_slcan_bus_open (CanopyBus     *bus,
                       GCancellable  *cancellable,
                       GError       **error)
{
  CanopySlcanBus *self = CANOPY_SLCAN_BUS (bus);
  g_autofree char *info = NULL;
  CanopySerialPort *port;
  int status_ms = (int) (self->status_interval * 1000);

  /* A bus made with g_object_new() has its bit rate in the base. */
  if (self->bitrate == 0 && self->btr == NULL)
    self->bitrate = canopy_bus_get_bitrate (bus);

  port = _canopy_serial_channel_open ("slcan", self->channel, self->tty_baudrate, error);
  if (port == NULL)
    return FALSE;

  _canopy_stream_link_init (&self->link, _canopy_serial_port_get_path (port),
                            &_canopy_serial_port_transport, port, self->queue_size);
  _canopy_stream_link_start (&self->link, slcan_feed, status_ms > 0 ? slcan_poll_status : NULL,
                             status_ms, self);

  if (!configure_adapter (self, error))
    {
      _canopy_stream_link_stop (&self->link);
      return FALSE;
    }

  info = g_strdup_printf ("slcan on %s%s%s%s%s%s", _canopy_serial_port_get_path (port),
                          self->version ? " (version " : "", self->version ? self->version : "",
                          self->serial_number ? ", serial " : "",
                          self->serial_number ? self->serial_number : "",
                          self->version ? ")" : "");
  _canopy_bus_set_channel_info (bus, info);
  return TRUE;
}

static void
canopy_slcan_bus_finalize (GObject *object)
{
  CanopySlcanBus *self = CANOPY_SLCAN_BUS (object);

  _canopy_stream_link_clear (&self->link);
  g_mutex_clear (&self->command_mutex);
  g_mutex_clear (&self->reply_mutex);
  g_cond_clear (&self->reply_cond);
  g_free (self->version);
  g_free (self->serial_number);
  g_free (self->channel);
  g_free (self->btr);

  G_OBJECT_CLASS (canopy_slcan_bus_parent_class)->finalize (object);
}

static void
canopy_slcan_bus_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CanopySlcanBus *self = CANOPY_SLCAN_BUS (object);

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
canopy_slcan_bus_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CanopySlcanBus *self = CANOPY_SLCAN_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_free (self->channel);
      self->channel = g_value_dup_string (value);
      break;


    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_slcan_bus_class_init (CanopySlcanBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  object_class->finalize = canopy_slcan_bus_finalize;
  object_class->get_property = canopy_slcan_bus_get_property;
  object_class->set_property = canopy_slcan_bus_set_property;

  _canopy_stream_bus_class_init (bus_class);
  bus_class->configure = canopy_slcan_bus_configure;
  bus_class->open = canopy_slcan_bus_open;
  bus_class->send = canopy_slcan_bus_send;
  bus_class->shutdown = canopy_slcan_bus_shutdown;    /* closes the channel first */

  /**
   * CanopySlcanBus:channel:
   *
   * The serial device, optionally with its speed: `/dev/ttyACM0@115200`.
   */
  properties[PROP_CHANNEL] =
    g_param_spec_string ("channel", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));


  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_slcan_bus_init (CanopySlcanBus *self)
{
  g_mutex_init (&self->command_mutex);
  g_mutex_init (&self->reply_mutex);
  g_cond_init (&self->reply_cond);
  _canopy_slcan_decoder_init (&self->decoder);
  self->queue_size = DEFAULT_QUEUE_SIZE;
}

void
_canopy_slcan_bus_register (void)
{
  _canopy_interface_register ("slcan", NULL, CANOPY_TYPE_SLCAN_BUS,
                              "Serial-line CAN (Lawicel) adapter: CANUSB, CANable, USBtin",
                              "a serial device: /dev/ttyACM0[@115200] or COM3");
}

/**
 * canopy_slcan_bus_get_version:
 * @self: an slcan bus
 *
 * Returns: (nullable): the adapter's answer to `V` (hardware and software
 *   version, four characters), or %NULL when it gave none
 */
const char *
canopy_slcan_bus_get_version (CanopySlcanBus *self)
{
  g_return_val_if_fail (CANOPY_IS_SLCAN_BUS (self), NULL);
  return self->version;
}

/**
 * canopy_slcan_bus_get_serial_number:
 * @self: an slcan bus
 *
 * Returns: (nullable): the adapter's answer to `N`, or %NULL when it gave
 *   none
 */
const char *
canopy_slcan_bus_get_serial_number (CanopySlcanBus *self)
{
  g_return_val_if_fail (CANOPY_IS_SLCAN_BUS (self), NULL);
  return self->serial_number;
}

/**
 * canopy_slcan_bus_get_skipped:
 * @self: an slcan bus
 *
 * Returns: how many lines from the adapter were skipped because they were
 *   not valid (noise, unknown replies, lines longer than the protocol allows)
 */
guint64
canopy_slcan_bus_get_skipped (CanopySlcanBus *self)
{
  g_return_val_if_fail (CANOPY_IS_SLCAN_BUS (self), 0);
  return _canopy_stream_link_get_skipped (&self->link);
}

/**
 * canopy_slcan_bus_get_dropped:
 * @self: an slcan bus
 *
 * Returns: how many received frames were dropped because the receive queue
 *   was full
 */
guint64
canopy_slcan_bus_get_dropped (CanopySlcanBus *self)
{
  g_return_val_if_fail (CANOPY_IS_SLCAN_BUS (self), 0);
  return _canopy_stream_link_get_dropped (&self->link);
}
