/* canopy-redirect-reader.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-redirect-reader.h"

#include "canopy-notify-private.h"

/**
 * CanopyRedirectReader:
 *
 * A listener that sends every frame it receives on to another bus:
 * python-can 2.0's `RedirectReader`, a gateway between two buses. Frames the
 * target bus refuses are counted in [property@Canopy.RedirectReader:failed].
 */

struct _CanopyRedirectReader
{
  GObject    parent_instance;
  CanopyBus *bus;
  GMutex     mutex;
  GError    *last_error;
  guint64    failed;
  CanopyNotifyQueue *notify;
};

enum {
  PROP_0,
  PROP_BUS,
  PROP_FAILED,
  N_PROPS
};

static void listener_iface_init (CanopyListenerInterface *iface);

#define NOTIFY_INTERVAL_USEC (G_USEC_PER_SEC / 10)

G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyRedirectReader, canopy_redirect_reader, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CANOPY_TYPE_LISTENER, listener_iface_init))

static GParamSpec *properties[N_PROPS];

static void
canopy_redirect_reader_on_message_received (CanopyListener      *listener,
                                            const CanopyMessage *msg)
{
  CanopyRedirectReader *self = CANOPY_REDIRECT_READER (listener);
  GError *error = NULL;

  if (!canopy_bus_send (self->bus, msg, 0, &error))
    {
      g_mutex_lock (&self->mutex);
      self->failed++;
      g_clear_error (&self->last_error);
      self->last_error = error;
      _canopy_notify_queue_add (self->notify, properties[PROP_FAILED]);
      g_mutex_unlock (&self->mutex);
    }
}

static void
listener_iface_init (CanopyListenerInterface *iface)
{
  iface->on_message_received = canopy_redirect_reader_on_message_received;
}

static void
canopy_redirect_reader_constructed (GObject *object)
{
  CanopyRedirectReader *self = CANOPY_REDIRECT_READER (object);

  G_OBJECT_CLASS (canopy_redirect_reader_parent_class)->constructed (object);

  self->notify = _canopy_notify_queue_new (object, NULL, NOTIFY_INTERVAL_USEC, NULL);
}

static void
canopy_redirect_reader_dispose (GObject *object)
{
  CanopyRedirectReader *self = CANOPY_REDIRECT_READER (object);

  g_clear_pointer (&self->notify, _canopy_notify_queue_free);
  g_clear_object (&self->bus);

  G_OBJECT_CLASS (canopy_redirect_reader_parent_class)->dispose (object);
}

static void
canopy_redirect_reader_finalize (GObject *object)
{
  CanopyRedirectReader *self = CANOPY_REDIRECT_READER (object);

  g_clear_error (&self->last_error);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (canopy_redirect_reader_parent_class)->finalize (object);
}

static void
canopy_redirect_reader_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  CanopyRedirectReader *self = CANOPY_REDIRECT_READER (object);

  switch (prop_id)
    {
    case PROP_BUS:
      g_value_set_object (value, canopy_redirect_reader_get_bus (self));
      break;

    case PROP_FAILED:
      g_value_set_uint64 (value, canopy_redirect_reader_get_failed (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_redirect_reader_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  CanopyRedirectReader *self = CANOPY_REDIRECT_READER (object);

  switch (prop_id)
    {
    case PROP_BUS:
      self->bus = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_redirect_reader_class_init (CanopyRedirectReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = canopy_redirect_reader_constructed;
  object_class->dispose = canopy_redirect_reader_dispose;
  object_class->finalize = canopy_redirect_reader_finalize;
  object_class->get_property = canopy_redirect_reader_get_property;
  object_class->set_property = canopy_redirect_reader_set_property;

  /**
   * CanopyRedirectReader:bus:
   *
   * The bus frames are sent to.
   */
  properties[PROP_BUS] =
    g_param_spec_object ("bus", NULL, NULL,
                         CANOPY_TYPE_BUS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyRedirectReader:failed:
   *
   * How many frames the target bus refused.
   */
  properties[PROP_FAILED] =
    g_param_spec_uint64 ("failed", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_redirect_reader_init (CanopyRedirectReader *self)
{
  g_mutex_init (&self->mutex);
}

/**
 * canopy_redirect_reader_new:
 * @bus: the bus to send received frames to
 *
 * Returns: (transfer full): a new listener that forwards to @bus
 */
CanopyRedirectReader *
canopy_redirect_reader_new (CanopyBus *bus)
{
  g_return_val_if_fail (CANOPY_IS_BUS (bus), NULL);

  return g_object_new (CANOPY_TYPE_REDIRECT_READER, "bus", bus, NULL);
}

/**
 * canopy_redirect_reader_get_bus:
 * @self: a redirect reader
 *
 * Returns: (transfer none): the target bus
 */
CanopyBus *
canopy_redirect_reader_get_bus (CanopyRedirectReader *self)
{
  g_return_val_if_fail (CANOPY_IS_REDIRECT_READER (self), NULL);
  return self->bus;
}

/**
 * canopy_redirect_reader_get_failed:
 * @self: a redirect reader
 *
 * Returns: how many frames could not be sent
 */
guint64
canopy_redirect_reader_get_failed (CanopyRedirectReader *self)
{
  guint64 failed;

  g_return_val_if_fail (CANOPY_IS_REDIRECT_READER (self), 0);

  g_mutex_lock (&self->mutex);
  failed = self->failed;
  g_mutex_unlock (&self->mutex);

  return failed;
}

/**
 * canopy_redirect_reader_dup_last_error:
 * @self: a redirect reader
 *
 * Returns: (transfer full) (nullable): why the last frame could not be sent
 */
GError *
canopy_redirect_reader_dup_last_error (CanopyRedirectReader *self)
{
  GError *error;

  g_return_val_if_fail (CANOPY_IS_REDIRECT_READER (self), NULL);

  g_mutex_lock (&self->mutex);
  error = self->last_error ? g_error_copy (self->last_error) : NULL;
  g_mutex_unlock (&self->mutex);

  return error;
}
