/* canopy-serial-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"
#include "canopy-serial-bus.h"

#include "canopy-bus-private.h"
#include "canopy-clock-private.h"
#include "canopy-interface-info-private.h"
#include "canopy-options-private.h"
#include "canopy-serial-bus-private.h"
#include "canopy-serial-channel-private.h"
#include "canopy-serial-codec-private.h"
#include "canopy-stream-link-private.h"

/**
 * CanopySerialBus:
 *
 * python-can's `serial` interface: CAN frames in python-can's binary serial
 * format over a serial device — for example a microcontroller bridge, or a
 * Bluetooth link on `/dev/rfcomm0`. The channel is the device, optionally
 * with its speed: `/dev/ttyUSB0@115200`, `COM3`.
 *
 * The format carries a frame's identifier, its data (up to 8 bytes) and a
 * 32-bit millisecond timestamp, nothing else: identifiers above 0x7FF are
 * taken as extended, and remote, error and CAN FD frames cannot be sent.
 * The timestamp of a received frame is the sender's when it is a Unix time
 * (as python-can sends it), otherwise the time of arrival. Bytes that are
 * not part of a valid frame are skipped and counted
 * (canopy_serial_bus_get_skipped()).
 */

#define DEFAULT_QUEUE_SIZE 16384
#define WRAP_MS            (G_GINT64_CONSTANT (1) << 32)
#define TRUST_WINDOW_MS    60000

struct _CanopySerialBus
{
  CanopyBus            parent_instance;
  CanopyStreamLink         link;     /* first: see CanopyStreamBus */
  char                *channel;
  guint                tty_baudrate;
  guint                queue_size;
  CanopySerialDecoder  decoder;
};

struct _CanopySerialBusClass
{
  CanopyBusClass parent_class;
};

enum {
  PROP_0,
  PROP_CHANNEL,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopySerialBus, canopy_serial_bus, CANOPY_TYPE_BUS)

static GParamSpec *properties[N_PROPS];

/* The sender's milliseconds modulo 2^32: the Unix time nearest to now with
 * those low bits, if it is within a minute of now. */
static gint64
sender_time_ns (guint32 stamp_ms,
                gint64  now_ns)
{
  gint64 now_ms = now_ns / 1000000;
  gint64 ms = (now_ms & ~(WRAP_MS - 1)) | stamp_ms;

  if (ms - now_ms > WRAP_MS / 2)
    ms -= WRAP_MS;
  else if (now_ms - ms > WRAP_MS / 2)
    ms += WRAP_MS;

  if (ABS (ms - now_ms) > TRUST_WINDOW_MS)
    return now_ns;
  return ms * 1000000;
}

static void
serial_feed (gpointer      owner,
             const guint8 *data,
             gsize         len)
{
  CanopySerialBus *self = owner;

  while (len > 0)
    {
      CanopySerialResult result;
      CanopyMessage msg;
      guint32 stamp_ms;
      gsize consumed, skipped;

      result = _canopy_serial_decoder_feed (&self->decoder, data, len, &consumed, &msg, &stamp_ms, &skipped);
      data += consumed;
      len -= consumed;

      if (skipped > 0)
        _canopy_stream_link_add_skipped (&self->link, skipped);

      if (result == CANOPY_SERIAL_FRAME)
        {
          msg.timestamp_ns = sender_time_ns (stamp_ms, _canopy_clock_realtime_ns ());
          if (_canopy_bus_accepts (CANOPY_BUS (self), &msg))
            _canopy_stream_link_deliver (&self->link, &msg);
        }
    }
}

static gboolean
canopy_serial_bus_send (CanopyBus            *bus,
                        const CanopyMessage  *msg,
                        double                timeout,
                        GError              **error)
{
  CanopySerialBus *self = CANOPY_SERIAL_BUS (bus);
  guint8 buf[CANOPY_SERIAL_MAX_FRAME];
  CanopyMessage stamped = *msg;
  gsize len;

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;

  /* python-can sends the frame's own timestamp; a frame without one gets
   * the time of sending. */
  if (stamped.timestamp_ns == 0)
    stamped.timestamp_ns = _canopy_clock_realtime_ns ();

  len = _canopy_serial_encode_frame (buf, &stamped);
  if (len == 0)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                           "The serial format carries only data frames of up to 8 bytes "
                           "(no remote, error or CAN FD frames)");
      return FALSE;
    }

  return _canopy_stream_link_write (&self->link, buf, len, timeout, error);
}

static gboolean
canopy_serial_bus_configure (CanopyBus   *bus,
                             const char  *channel,
                             GHashTable  *options,
                             GError     **error)
{
  CanopySerialBus *self = CANOPY_SERIAL_BUS (bus);
  guint64 queue_size;

  if (!_canopy_options_get_uint (options, "queue_size", DEFAULT_QUEUE_SIZE, 16 * 1024 * 1024, &queue_size, error) ||
      !_canopy_serial_channel_parse ("serial", channel, options, CANOPY_SERIAL_BUS_DEFAULT_TTY_BAUDRATE,
                                     &self->channel, &self->tty_baudrate, error))
    return FALSE;

  self->queue_size = queue_size ? queue_size : DEFAULT_QUEUE_SIZE;
  return TRUE;
}

static gboolean
canopy_serial_bus_open (CanopyBus     *bus,
                        GCancellable  *cancellable,
                        GError       **error)
{
  CanopySerialBus *self = CANOPY_SERIAL_BUS (bus);
  g_autofree char *info = NULL;
  CanopySerialPort *port;

  port = _canopy_serial_channel_open ("serial", self->channel, self->tty_baudrate, error);
  if (port == NULL)
    return FALSE;

  info = g_strdup_printf ("Serial interface on %s", _canopy_serial_port_get_path (port));
  _canopy_bus_set_channel_info (bus, info);
  _canopy_stream_link_init (&self->link, _canopy_serial_port_get_path (port),
                            &_canopy_serial_port_transport, port, self->queue_size);
  _canopy_stream_link_start (&self->link, serial_feed, NULL, 0, self);
  return TRUE;
}

static void
canopy_serial_bus_finalize (GObject *object)
{
  CanopySerialBus *self = CANOPY_SERIAL_BUS (object);

  _canopy_stream_link_clear (&self->link);
  g_free (self->channel);

  G_OBJECT_CLASS (canopy_serial_bus_parent_class)->finalize (object);
}

static void
canopy_serial_bus_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CanopySerialBus *self = CANOPY_SERIAL_BUS (object);

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
canopy_serial_bus_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CanopySerialBus *self = CANOPY_SERIAL_BUS (object);

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
canopy_serial_bus_class_init (CanopySerialBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  object_class->finalize = canopy_serial_bus_finalize;
  object_class->get_property = canopy_serial_bus_get_property;
  object_class->set_property = canopy_serial_bus_set_property;

  _canopy_stream_bus_class_init (bus_class);
  bus_class->configure = canopy_serial_bus_configure;
  bus_class->open = canopy_serial_bus_open;
  bus_class->send = canopy_serial_bus_send;

  /**
   * CanopySerialBus:channel:
   *
   * The serial device, optionally with its speed: `/dev/ttyUSB0@115200`.
   */
  properties[PROP_CHANNEL] =
    g_param_spec_string ("channel", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_serial_bus_init (CanopySerialBus *self)
{
  _canopy_serial_decoder_init (&self->decoder);
  self->tty_baudrate = CANOPY_SERIAL_BUS_DEFAULT_TTY_BAUDRATE;
  self->queue_size = DEFAULT_QUEUE_SIZE;
}

void
_canopy_serial_bus_register (void)
{
  _canopy_interface_register ("serial", NULL, CANOPY_TYPE_SERIAL_BUS,
                              "CAN over a serial port in python-can's serial frame format",
                              "a serial device: /dev/ttyUSB0[@115200], /dev/rfcomm0 or COM3");
}

/**
 * canopy_serial_bus_get_skipped:
 * @self: a serial bus
 *
 * Returns: how many received bytes were skipped because they were not part
 *   of a valid frame
 */
guint64
canopy_serial_bus_get_skipped (CanopySerialBus *self)
{
  g_return_val_if_fail (CANOPY_IS_SERIAL_BUS (self), 0);
  return _canopy_stream_link_get_skipped (&self->link);
}

/**
 * canopy_serial_bus_get_dropped:
 * @self: a serial bus
 *
 * Returns: how many received frames were dropped because the receive queue
 *   was full
 */
guint64
canopy_serial_bus_get_dropped (CanopySerialBus *self)
{
  g_return_val_if_fail (CANOPY_IS_SERIAL_BUS (self), 0);
  return _canopy_stream_link_get_dropped (&self->link);
}
