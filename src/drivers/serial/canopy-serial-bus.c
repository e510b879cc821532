/* canopy-serial-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"
#include "canopy-serial-bus.h"

#include "canopy-bus-private.h"
#include "canopy-clock-private.h"
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
  GObject              parent_instance;
  CanopyBusCore        core;
  CanopyStreamLink     link;
  CanopySerialDecoder  decoder;
};

static void bus_iface_init (CanopyBusInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CanopySerialBus, canopy_serial_bus, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CANOPY_TYPE_BUS, bus_iface_init))

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
          g_mutex_lock (&self->core.mutex);
          if (_canopy_bus_core_accepts (&self->core, &msg))
            _canopy_stream_link_deliver (&self->link, &msg);
          g_mutex_unlock (&self->core.mutex);
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

  if (!_canopy_bus_core_check_open (&self->core, error))
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
canopy_serial_bus_recv (CanopyBus      *bus,
                        CanopyMessage  *msg,
                        double          timeout,
                        GError        **error)
{
  CanopySerialBus *self = CANOPY_SERIAL_BUS (bus);
  GError *local_error = NULL;

  if (!_canopy_bus_core_check_open (&self->core, error))
    return FALSE;

  if (_canopy_stream_link_recv (&self->link, msg, timeout, &local_error))
    return TRUE;
  if (g_error_matches (local_error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN))
    {
      g_clear_error (&local_error);
      return _canopy_bus_core_check_open (&self->core, error);
    }
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return FALSE;
}

static gboolean
canopy_serial_bus_set_filters (CanopyBus           *bus,
                               const CanopyFilter  *filters,
                               guint                n_filters,
                               GError             **error)
{
  CanopySerialBus *self = CANOPY_SERIAL_BUS (bus);

  if (!_canopy_bus_core_check_open (&self->core, error))
    return FALSE;
  _canopy_bus_core_set_filters (&self->core, filters, n_filters);
  return TRUE;
}

static gboolean
canopy_serial_bus_flush_tx_buffer (CanopyBus  *bus,
                                   GError    **error)
{
  /* Frames are written to the device at once. */
  return _canopy_bus_core_check_open (&CANOPY_SERIAL_BUS (bus)->core, error);
}

static void
canopy_serial_bus_shutdown (CanopyBus *bus)
{
  CanopySerialBus *self = CANOPY_SERIAL_BUS (bus);

  if (!_canopy_bus_core_begin_shutdown (&self->core))
    return;
  _canopy_stream_link_stop (&self->link);
}

static const char *
canopy_serial_bus_get_channel_info (CanopyBus *bus)
{
  return CANOPY_SERIAL_BUS (bus)->core.channel_info;
}

static void
bus_iface_init (CanopyBusInterface *iface)
{
  iface->send = canopy_serial_bus_send;
  iface->recv = canopy_serial_bus_recv;
  iface->set_filters = canopy_serial_bus_set_filters;
  iface->flush_tx_buffer = canopy_serial_bus_flush_tx_buffer;
  iface->shutdown = canopy_serial_bus_shutdown;
  iface->get_channel_info = canopy_serial_bus_get_channel_info;
}

static void
canopy_serial_bus_dispose (GObject *object)
{
  canopy_serial_bus_shutdown (CANOPY_BUS (object));

  G_OBJECT_CLASS (canopy_serial_bus_parent_class)->dispose (object);
}

static void
canopy_serial_bus_finalize (GObject *object)
{
  CanopySerialBus *self = CANOPY_SERIAL_BUS (object);

  _canopy_stream_link_clear (&self->link);
  _canopy_bus_core_clear (&self->core);

  G_OBJECT_CLASS (canopy_serial_bus_parent_class)->finalize (object);
}

static void
canopy_serial_bus_class_init (CanopySerialBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = canopy_serial_bus_dispose;
  object_class->finalize = canopy_serial_bus_finalize;
  object_class->get_property = _canopy_bus_get_property;

  _canopy_bus_class_override_properties (object_class);
}

static void
canopy_serial_bus_init (CanopySerialBus *self)
{
  _canopy_serial_decoder_init (&self->decoder);
}

CanopyBus *
_canopy_serial_bus_new_from_options (const char  *channel,
                                     GHashTable  *options,
                                     GError     **error)
{
  g_autoptr(CanopySerialBus) self = NULL;
  g_autofree char *info = NULL;
  CanopySerialPort *port;
  guint64 queue_size;

  if (!_canopy_options_get_uint (options, "queue_size", DEFAULT_QUEUE_SIZE, 16 * 1024 * 1024, &queue_size, error))
    return NULL;
  if (queue_size == 0)
    queue_size = DEFAULT_QUEUE_SIZE;

  port = _canopy_serial_channel_open ("serial", channel, options, CANOPY_SERIAL_BUS_DEFAULT_TTY_BAUDRATE, error);
  if (port == NULL)
    return NULL;

  self = g_object_new (CANOPY_TYPE_SERIAL_BUS, NULL);
  info = g_strdup_printf ("Serial interface on %s", _canopy_serial_port_get_path (port));
  _canopy_bus_core_init (&self->core, info);
  _canopy_stream_link_init (&self->link, "canopy-serial", &_canopy_serial_port_transport, port, queue_size);
  _canopy_stream_link_start (&self->link, serial_feed, NULL, 0, self);
  self->link.name = _canopy_serial_port_get_path (port);

  return CANOPY_BUS (g_steal_pointer (&self));
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
  return _canopy_message_queue_get_dropped (&self->link.queue);
}
