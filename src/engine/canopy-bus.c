/* canopy-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-bus.h"
#include "canopy-config.h"
#include "canopy-error.h"
#include "canopy-interface-info.h"

#include "canopy-bus-private.h"
#include "canopy-bus-statistics-private.h"
#include "canopy-clock-private.h"
#include "canopy-interface-info-private.h"
#include "canopy-notify-private.h"
#include "canopy-options-private.h"


#define NSEC_PER_SEC G_GINT64_CONSTANT (1000000000)
/**
 * CanopyBus:
 *
 * A CAN bus: python-can's `BusABC`. Create one with canopy_bus_new(), send
 * with canopy_bus_send(), receive with canopy_bus_recv() or hand it to a
 * [class@Canopy.Notifier].
 *
 * `CanopyBus` is the abstract base of every interface driver. It holds what
 * every bus shares: the shut-down state, the channel info, the acceptance
 * filters (filtering in software where the driver cannot) and the
 * statistics ([method@Canopy.Bus.get_statistics]). Drivers are made with
 * g_object_new() and opened with g_initable_init(); a bus that was never
 * opened, or failed to open, may be disposed at any point.
 *
 * All methods may be called from any thread; a bus is typically read by one
 * thread (a notifier's) while others send.
 */

typedef struct
{
  /* Counted on every frame, so kept apart from the rest: each direction on
   * its own cache line (a sender and a reader thread never share one). */
  CanopyBusCounters   tx;
  CanopyBusCounters   rx;

  int                 shut_down;
  gboolean            opened;
  gboolean            software_filtering;

  /* Serialises canopy_bus_set_filter_array(): the driver's filters and ours
   * change together. filter_mutex guards only the array, for readers. */
  GMutex              set_filters_mutex;
  GMutex              filter_mutex;
  CanopyFilter       *filters;
  int                 n_filters;

  GMutex              info_mutex;
  char               *channel_info;

  guint               bitrate;
  guint               data_bitrate;
  CanopyBusRateWindow window;

  /* :statistics notifies at most ten times a second, on the main context
   * the bus was made on. statistics_pending is set from the frame paths at
   * the first frame after a notification, so a frame costs one atomic read. */
  CanopyNotifyQueue  *notify;
  int                 statistics_pending;

  /* Whoever wants to see what this bus sent: an array that is replaced,
   * never changed, so a sender takes a reference under the mutex and calls
   * the listeners outside it. has_tx_listeners spares the mutex otherwise. */
  GMutex              tx_listeners_mutex;
  GPtrArray          *tx_listeners;
  int                 has_tx_listeners;
} CanopyBusPrivate;

enum {
  PROP_0,
  PROP_CHANNEL_INFO,
  PROP_BITRATE,
  PROP_DATA_BITRATE,
  PROP_STATISTICS,
  N_PROPS
};

#define STATISTICS_NOTIFY_INTERVAL_USEC (100 * 1000)

static void initable_iface_init (GInitableIface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (CanopyBus, canopy_bus, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (CanopyBus)
                                  G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, initable_iface_init))

static GParamSpec *properties[N_PROPS];

static void
statistics_changed_slow (CanopyBus *self)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);

  if (g_atomic_int_compare_and_exchange (&priv->statistics_pending, FALSE, TRUE))
    _canopy_notify_queue_add (priv->notify, properties[PROP_STATISTICS]);
}

static inline void
statistics_changed (CanopyBus        *self,
                    CanopyBusPrivate *priv)
{
  if G_UNLIKELY (!g_atomic_int_get (&priv->statistics_pending))
    statistics_changed_slow (self);
}

/* On the bus's main context, just before :statistics is notified: the next
 * frame arms the next notification. */
static void
statistics_flush (GObject *object)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (CANOPY_BUS (object));

  g_atomic_int_set (&priv->statistics_pending, FALSE);
}

static gboolean
canopy_bus_initable_init (GInitable     *initable,
                          GCancellable  *cancellable,
                          GError       **error)
{
  CanopyBus *self = CANOPY_BUS (initable);
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);
  CanopyBusClass *klass = CANOPY_BUS_GET_CLASS (self);

  if (priv->opened)
    return TRUE;

  if (!_canopy_bus_check_open (self, error))
    return FALSE;

  if (klass->open != NULL && !klass->open (self, cancellable, error))
    {
      /* A bus that failed to open is shut down, never half open. */
      g_atomic_int_set (&priv->shut_down, TRUE);
      return FALSE;
    }

  priv->opened = TRUE;
  _canopy_bus_rate_window_reset (&priv->window, _canopy_clock_monotonic_ns ());

  /* Filters set before the bus opened reach the driver now. */
  if (priv->n_filters > 0 && klass->set_filters != NULL)
    {
      gboolean software = FALSE;
      gboolean ok;

      g_mutex_lock (&priv->set_filters_mutex);
      ok = klass->set_filters (self, priv->filters, priv->n_filters, &software, error);
      if (ok)
        g_atomic_int_set (&priv->software_filtering, software);
      g_mutex_unlock (&priv->set_filters_mutex);

      if (!ok)
        {
          canopy_bus_shutdown (self);
          return FALSE;
        }
    }

  return TRUE;
}

static void
initable_iface_init (GInitableIface *iface)
{
  iface->init = canopy_bus_initable_init;
}

static void
canopy_bus_constructed (GObject *object)
{
  CanopyBus *self = CANOPY_BUS (object);
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);

  G_OBJECT_CLASS (canopy_bus_parent_class)->constructed (object);

  priv->notify = _canopy_notify_queue_new (object, NULL, STATISTICS_NOTIFY_INTERVAL_USEC,
                                           statistics_flush);
}

static void
canopy_bus_dispose (GObject *object)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (CANOPY_BUS (object));

  canopy_bus_shutdown (CANOPY_BUS (object));
  /* No frame path runs after shut-down: nothing adds to the queue now. */
  g_clear_pointer (&priv->notify, _canopy_notify_queue_free);

  g_mutex_lock (&priv->tx_listeners_mutex);
  g_atomic_int_set (&priv->has_tx_listeners, FALSE);
  g_clear_pointer (&priv->tx_listeners, g_ptr_array_unref);
  g_mutex_unlock (&priv->tx_listeners_mutex);

  G_OBJECT_CLASS (canopy_bus_parent_class)->dispose (object);
}

static void
canopy_bus_finalize (GObject *object)
{
  CanopyBus *self = CANOPY_BUS (object);
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);

  g_clear_pointer (&priv->filters, g_free);
  g_clear_pointer (&priv->channel_info, g_free);
  g_mutex_clear (&priv->set_filters_mutex);
  g_mutex_clear (&priv->filter_mutex);
  g_mutex_clear (&priv->info_mutex);
  g_mutex_clear (&priv->tx_listeners_mutex);
  _canopy_bus_rate_window_clear (&priv->window);

  G_OBJECT_CLASS (canopy_bus_parent_class)->finalize (object);
}

static void
canopy_bus_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  CanopyBus *self = CANOPY_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL_INFO:
      g_value_take_string (value, canopy_bus_dup_channel_info (self));
      break;

    case PROP_BITRATE:
      g_value_set_uint (value, canopy_bus_get_bitrate (self));
      break;

    case PROP_DATA_BITRATE:
      g_value_set_uint (value, canopy_bus_get_data_bitrate (self));
      break;

    case PROP_STATISTICS:
      g_value_take_boxed (value, canopy_bus_get_statistics (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_bus_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  CanopyBus *self = CANOPY_BUS (object);

  switch (prop_id)
    {
    case PROP_BITRATE:
      canopy_bus_set_bitrate (self, g_value_get_uint (value));
      break;

    case PROP_DATA_BITRATE:
      canopy_bus_set_data_bitrate (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_bus_class_init (CanopyBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = canopy_bus_constructed;
  object_class->dispose = canopy_bus_dispose;
  object_class->finalize = canopy_bus_finalize;
  object_class->get_property = canopy_bus_get_property;
  object_class->set_property = canopy_bus_set_property;

  /**
   * CanopyBus:channel-info:
   *
   * A text describing the channel, python-can's `channel_info`.
   */
  properties[PROP_CHANNEL_INFO] =
    g_param_spec_string ("channel-info", NULL, NULL,
                         "unknown",
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyBus:bitrate:
   *
   * The nominal (arbitration) bit rate in bit/s the bus load is computed
   * from; 0 when unknown. canopy_bus_new() takes it from the `bitrate`
   * option; drivers that can read it from the controller do.
   */
  properties[PROP_BITRATE] =
    g_param_spec_uint ("bitrate", NULL, NULL,
                       0, G_MAXUINT32, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyBus:data-bitrate:
   *
   * The CAN FD data-phase bit rate in bit/s, for frames sent with bit-rate
   * switch; 0 when unknown (the nominal rate is used). canopy_bus_new()
   * takes it from the `data_bitrate` option.
   */
  properties[PROP_DATA_BITRATE] =
    g_param_spec_uint ("data-bitrate", NULL, NULL,
                       0, G_MAXUINT32, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyBus:statistics:
   *
   * A snapshot of the statistics, as [method@Canopy.Bus.get_statistics]
   * takes it. It notifies on the main context the bus was made on, at most
   * ten times a second while frames pass, never per frame.
   */
  properties[PROP_STATISTICS] =
    g_param_spec_boxed ("statistics", NULL, NULL,
                        CANOPY_TYPE_BUS_STATISTICS,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_bus_init (CanopyBus *self)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);

  g_mutex_init (&priv->set_filters_mutex);
  g_mutex_init (&priv->filter_mutex);
  g_mutex_init (&priv->info_mutex);
  g_mutex_init (&priv->tx_listeners_mutex);
  priv->channel_info = g_strdup ("unknown");
  _canopy_bus_rate_window_init (&priv->window, _canopy_clock_monotonic_ns ());
}

/* Driver helpers */

/**
 * _canopy_bus_check_open:
 *
 * Returns: %FALSE with %CANOPY_ERROR_SHUT_DOWN once the bus is shut down
 */
gboolean
_canopy_bus_check_open (CanopyBus  *self,
                        GError    **error)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);

  if G_UNLIKELY (g_atomic_int_get (&priv->shut_down))
    {
      g_autofree char *info = canopy_bus_dup_channel_info (self);

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN,
                   "The bus on %s was shut down", info);
      return FALSE;
    }
  return TRUE;
}

/* Whether @msg passes the acceptance filters. Drivers that filter as
 * frames arrive (into their own queue) call it; any thread may. */
gboolean
_canopy_bus_accepts (CanopyBus           *self,
                     const CanopyMessage *msg)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);
  gboolean pass;

  if (G_LIKELY (g_atomic_int_get (&priv->n_filters) == 0))
    return TRUE;

  g_mutex_lock (&priv->filter_mutex);
  pass = canopy_filters_match (priv->filters, priv->n_filters, msg);
  g_mutex_unlock (&priv->filter_mutex);

  return pass;
}

/* Asks @self to hand each frame it receives to @func, on the thread that
 * delivers it, instead of queueing it for recv(), wherever that keeps the
 * order of frames: while nothing is queued and the caller of recv() has
 * dealt with the frame it got last (which it says by calling recv() again).
 * Otherwise, or when @func returns FALSE, frames are queued as before and
 * recv() returns them. This spares a consumer in the same process a
 * thread's wake-up per frame (the remote server, whose clients' buses share
 * a virtual channel). @func runs under the bus's locks: it must not block
 * or call the bus. Call it once, before the first recv(); shutting the bus
 * down ends it. Returns FALSE if the driver cannot. */
gboolean
_canopy_bus_set_handoff (CanopyBus            *self,
                         CanopyBusHandoffFunc  func,
                         gpointer              user_data)
{
  CanopyBusClass *klass;

  g_return_val_if_fail (CANOPY_IS_BUS (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  klass = CANOPY_BUS_GET_CLASS (self);
  if (klass->set_handoff == NULL || canopy_bus_is_shut_down (self))
    return FALSE;
  return klass->set_handoff (self, func, user_data);
}

/* A bus made with g_object_new() that nobody opened with g_initable_init(). */
static gboolean
_canopy_bus_not_opened (CanopyBus  *self,
                        GError    **error)
{
  g_autofree char *info = canopy_bus_dup_channel_info (self);

  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE,
               "The %s on %s is not open: it needs g_initable_init() first",
               G_OBJECT_TYPE_NAME (self), info);
  return FALSE;
}

static void
store_filters (CanopyBus          *self,
               const CanopyFilter *filters,
               guint               n_filters,
               gboolean            software)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);
  CanopyFilter *copy = n_filters ? g_memdup2 (filters, sizeof *filters * n_filters) : NULL;

  g_mutex_lock (&priv->filter_mutex);
  g_free (priv->filters);
  priv->filters = copy;
  g_atomic_int_set (&priv->n_filters, (int) n_filters);
  g_atomic_int_set (&priv->software_filtering, software && n_filters > 0);
  g_mutex_unlock (&priv->filter_mutex);
}

/* A copy of the filters set so far, for a driver that sends them while it
 * opens. Free with g_free(). */
CanopyFilter *
_canopy_bus_dup_filters (CanopyBus *self,
                         guint     *n_filters)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);
  CanopyFilter *copy;

  g_mutex_lock (&priv->filter_mutex);
  *n_filters = priv->n_filters;
  copy = priv->n_filters ? g_memdup2 (priv->filters, sizeof *priv->filters * priv->n_filters) : NULL;
  g_mutex_unlock (&priv->filter_mutex);

  return copy;
}

void
_canopy_bus_set_channel_info (CanopyBus  *self,
                              const char *channel_info)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);
  char *copy = g_strdup (channel_info != NULL ? channel_info : "unknown");

  g_mutex_lock (&priv->info_mutex);
  g_free (priv->channel_info);
  priv->channel_info = copy;
  g_mutex_unlock (&priv->info_mutex);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANNEL_INFO]);
}

/* Valid until the next _canopy_bus_set_channel_info(), which a driver makes
 * only while it opens: for the driver's own messages. */
const char *
_canopy_bus_get_channel_info (CanopyBus *self)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);

  return priv->channel_info;
}

/* Registry */

/**
 * canopy_bus_list_interfaces:
 *
 * The interface names canopy_bus_new() knows, python-can's names (without
 * aliases). See canopy_interface_info_list() for what each one needs.
 *
 * Returns: (transfer none) (array zero-terminated=1): the names
 */
const char * const *
canopy_bus_list_interfaces (void)
{
  static GStrv names;

  if (g_once_init_enter (&names))
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_autoptr(GListModel) infos = canopy_interface_info_list ();

      for (guint i = 0; i < g_list_model_get_n_items (infos); i++)
        {
          g_autoptr(CanopyInterfaceInfo) info = g_list_model_get_item (infos, i);

          g_strv_builder_add (builder, canopy_interface_info_get_name (info));
        }
      g_once_init_leave (&names, g_strv_builder_end (builder));
    }

  return (const char * const *) names;
}

/**
 * canopy_bus_new:
 * @interface: (nullable): a python-can interface name (`virtual`,
 *   `socketcan`, `remote`, …), or %NULL to take it from the configuration
 * @channel: (nullable): the channel, or %NULL to take it from the configuration
 * @options: (nullable) (element-type utf8 utf8): driver options as in a
 *   config file (`bitrate`, `data_bitrate`, `receive_own_messages`, …)
 * @error: return location for a #GError
 *
 * Opens a bus the way python-can's `can.interface.Bus()` does: explicit
 * arguments first, then the configuration (see canopy_config_load()). Where
 * nothing names an interface, the virtual `demo` bus opens.
 *
 * Returns: (transfer full): a new bus, or %NULL with @error set
 */
CanopyBus *
canopy_bus_new (const char  *interface,
                const char  *channel,
                GHashTable  *options,
                GError     **error)
{
  g_autoptr(GHashTable) explicit_options = NULL;
  g_autoptr(GHashTable) config = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  CanopyInterfaceInfo *info;
  CanopyBusClass *klass;
  const char *name;
  guint64 bitrate, data_bitrate;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  explicit_options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (options != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, options);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (explicit_options, g_strdup (key), g_strdup (value));
    }
  if (interface != NULL)
    g_hash_table_insert (explicit_options, g_strdup ("interface"), g_strdup (interface));
  if (channel != NULL)
    g_hash_table_insert (explicit_options, g_strdup ("channel"), g_strdup (channel));

  if (!(config = canopy_config_load (explicit_options, error)))
    return NULL;

  name = g_hash_table_lookup (config, "interface");
  if (name == NULL)
    {
      name = "virtual";
      if (!g_hash_table_contains (config, "channel"))
        g_hash_table_insert (config, g_strdup ("channel"), g_strdup ("demo"));
    }

  info = canopy_interface_info_lookup (name);
  if (info == NULL)
    {
      g_autofree char *known = g_strjoinv (", ", (char **) canopy_bus_list_interfaces ());

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNKNOWN_INTERFACE,
                   "Unknown CAN interface “%s”; known interfaces are: %s", name, known);
      return NULL;
    }

  if (!canopy_interface_info_get_available (info))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE,
                   "The CAN interface “%s” is not available in this build of Canopy", name);
      return NULL;
    }

  /* python-can's common arguments, for every driver: the bus load needs
   * them even where the driver cannot set them on a controller. */
  if (!_canopy_options_get_uint (config, "bitrate", 0, G_MAXUINT32, &bitrate, error) ||
      !_canopy_options_get_uint (config, "data_bitrate", 0, G_MAXUINT32, &data_bitrate, error))
    return NULL;

  bus = g_object_new (canopy_interface_info_get_bus_type (info),
                      "bitrate", (guint) bitrate,
                      "data-bitrate", (guint) data_bitrate,
                      NULL);
  klass = CANOPY_BUS_GET_CLASS (bus);
  if (klass->configure != NULL &&
      !klass->configure (bus, g_hash_table_lookup (config, "channel"), config, error))
    return NULL;

  if (!g_initable_init (G_INITABLE (bus), NULL, error))
    return NULL;

  return g_steal_pointer (&bus);
}

static void
tell_tx_listeners (CanopyBusPrivate    *priv,
                   const CanopyMessage *msg)
{
  g_autoptr(GPtrArray) listeners = NULL;
  CanopyMessage sent = *msg;

  g_mutex_lock (&priv->tx_listeners_mutex);
  if (priv->tx_listeners != NULL)
    listeners = g_ptr_array_ref (priv->tx_listeners);
  g_mutex_unlock (&priv->tx_listeners_mutex);

  if (listeners == NULL)
    return;

  sent.flags |= CANOPY_MESSAGE_TX;
  sent.timestamp_ns = _canopy_clock_realtime_ns ();
  for (guint i = 0; i < listeners->len; i++)
    canopy_listener_on_message_received (g_ptr_array_index (listeners, i), &sent);
}

/**
 * canopy_bus_send:
 * @self: a bus
 * @msg: the frame to send
 * @timeout: seconds to wait for the frame to be accepted; negative waits
 *   without limit, 0 does not wait
 * @error: return location for a #GError
 *
 * Transmits @msg after checking it with canopy_message_validate().
 *
 * Returns: %TRUE if the frame was sent
 */
gboolean
canopy_bus_send (CanopyBus            *self,
                 const CanopyMessage  *msg,
                 double                timeout,
                 GError              **error)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);

  g_return_val_if_fail (CANOPY_IS_BUS (self), FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!canopy_message_validate (msg, error))
    return FALSE;

  if G_UNLIKELY (!priv->opened)
    return _canopy_bus_check_open (self, error) && _canopy_bus_not_opened (self, error);

  if (!CANOPY_BUS_GET_CLASS (self)->send (self, msg, timeout, error))
    return FALSE;

  _canopy_bus_counters_add (&priv->tx, msg);
  statistics_changed (self, priv);
  if G_UNLIKELY (g_atomic_int_get (&priv->has_tx_listeners))
    tell_tx_listeners (priv, msg);
  return TRUE;
}

/**
 * canopy_bus_recv_into:
 * @self: a bus
 * @msg: (out caller-allocates): where to store the frame
 * @timeout: seconds to wait; negative waits without limit, 0 polls
 * @error: return location for a #GError
 *
 * Receives the next frame that passes the filters into @msg without
 * allocating: the call a receive loop makes.
 *
 * Returns: %TRUE if @msg was filled; %FALSE on timeout (with @error unset)
 *   or on failure (with @error set)
 */
gboolean
canopy_bus_recv_into (CanopyBus      *self,
                      CanopyMessage  *msg,
                      double          timeout,
                      GError        **error)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);
  CanopyBusClass *klass;
  gint64 deadline_ns = 0;

  g_return_val_if_fail (CANOPY_IS_BUS (self), FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if G_UNLIKELY (!priv->opened)
    return _canopy_bus_check_open (self, error) && _canopy_bus_not_opened (self, error);

  klass = CANOPY_BUS_GET_CLASS (self);

  if G_LIKELY (!g_atomic_int_get (&priv->software_filtering))
    {
      if (!klass->recv (self, msg, timeout, error))
        return FALSE;
      _canopy_bus_counters_add (&priv->rx, msg);
      statistics_changed (self, priv);
      return TRUE;
    }

  /* Software filtering: frames that do not pass still took bus time. */
  if (timeout > 0)
    deadline_ns = _canopy_clock_monotonic_ns () + (gint64) (timeout * NSEC_PER_SEC);

  for (;;)
    {
      double wait = timeout;

      if (timeout > 0)
        wait = MAX (0, (deadline_ns - _canopy_clock_monotonic_ns ()) / (double) NSEC_PER_SEC);

      if (!klass->recv (self, msg, wait, error))
        return FALSE;

      if ((msg->flags & CANOPY_MESSAGE_ERROR) || _canopy_bus_accepts (self, msg))
        {
          _canopy_bus_counters_add (&priv->rx, msg);
          statistics_changed (self, priv);
          return TRUE;
        }
      _canopy_bus_counters_add_bits (&priv->rx, msg);
    }
}

/**
 * canopy_bus_recv:
 * @self: a bus
 * @timeout: seconds to wait; negative waits without limit, 0 polls
 * @error: return location for a #GError
 *
 * Receives the next frame that passes the filters.
 *
 * Returns: (transfer full) (nullable): the frame, or %NULL on timeout (with
 *   @error unset) or on failure (with @error set)
 */
CanopyMessage *
canopy_bus_recv (CanopyBus  *self,
                 double      timeout,
                 GError    **error)
{
  CanopyMessage msg;

  if (!canopy_bus_recv_into (self, &msg, timeout, error))
    return NULL;

  return canopy_message_copy (&msg);
}

/**
 * canopy_bus_set_filter_array:
 * @self: a bus
 * @filters: (array length=n_filters) (nullable): the filters
 * @n_filters: the number of filters; 0 receives every frame
 * @error: return location for a #GError
 *
 * canopy_bus_set_filters() for a plain C array.
 *
 * Returns: %TRUE if the filters were applied
 */
gboolean
canopy_bus_set_filter_array (CanopyBus           *self,
                             const CanopyFilter  *filters,
                             guint                n_filters,
                             GError             **error)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);
  CanopyBusClass *klass;
  gboolean software = TRUE;
  gboolean ret = TRUE;

  g_return_val_if_fail (CANOPY_IS_BUS (self), FALSE);
  g_return_val_if_fail (filters != NULL || n_filters == 0, FALSE);
  g_return_val_if_fail (n_filters <= G_MAXINT, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_canopy_bus_check_open (self, error))
    return FALSE;

  klass = CANOPY_BUS_GET_CLASS (self);

  g_mutex_lock (&priv->set_filters_mutex);
  if (priv->opened && klass->set_filters != NULL)
    {
      software = FALSE;
      ret = klass->set_filters (self, filters, n_filters, &software, error);
    }
  if (ret)
    store_filters (self, filters, n_filters, software);
  g_mutex_unlock (&priv->set_filters_mutex);

  return ret;
}

/**
 * canopy_bus_set_filters:
 * @self: a bus
 * @filters: (array length=n_filters) (nullable): the filters
 * @n_filters: the number of filters; 0 (or %NULL) receives every frame
 * @error: return location for a #GError
 *
 * Applies acceptance filters to every frame this bus receives: a frame
 * passes when any filter matches, `id & can_mask == can_id & can_mask`.
 * Drivers that can filter in hardware or in the kernel do; the others filter
 * in software with the same result. Error frames always pass.
 *
 * Returns: %TRUE if the filters were applied
 */
gboolean
canopy_bus_set_filters (CanopyBus           *self,
                        const CanopyFilter **filters,
                        guint                n_filters,
                        GError             **error)
{
  g_autofree CanopyFilter *array = NULL;

  g_return_val_if_fail (CANOPY_IS_BUS (self), FALSE);
  g_return_val_if_fail (filters != NULL || n_filters == 0, FALSE);

  if (n_filters > 0)
    {
      array = g_new (CanopyFilter, n_filters);
      for (guint i = 0; i < n_filters; i++)
        array[i] = *filters[i];
    }

  return canopy_bus_set_filter_array (self, array, n_filters, error);
}

/**
 * canopy_bus_flush_tx_buffer:
 * @self: a bus
 * @error: return location for a #GError
 *
 * Discards every frame queued for sending.
 *
 * Returns: %TRUE on success
 */
gboolean
canopy_bus_flush_tx_buffer (CanopyBus  *self,
                            GError    **error)
{
  CanopyBusClass *klass;

  g_return_val_if_fail (CANOPY_IS_BUS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_canopy_bus_check_open (self, error))
    return FALSE;

  klass = CANOPY_BUS_GET_CLASS (self);
  if (klass->flush_tx_buffer == NULL)
    return TRUE;
  return klass->flush_tx_buffer (self, error);
}

/**
 * canopy_bus_shutdown:
 * @self: a bus
 *
 * Releases the device. Calling it again does nothing; sending or receiving
 * afterwards fails with %CANOPY_ERROR_SHUT_DOWN.
 */
void
canopy_bus_shutdown (CanopyBus *self)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);

  g_return_if_fail (CANOPY_IS_BUS (self));

  if (!g_atomic_int_compare_and_exchange (&priv->shut_down, FALSE, TRUE))
    return;

  if (priv->opened && CANOPY_BUS_GET_CLASS (self)->shutdown != NULL)
    CANOPY_BUS_GET_CLASS (self)->shutdown (self);
}

/**
 * canopy_bus_is_shut_down:
 * @self: a bus
 *
 * Returns: whether @self was shut down (or failed to open)
 */
gboolean
canopy_bus_is_shut_down (CanopyBus *self)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);

  g_return_val_if_fail (CANOPY_IS_BUS (self), TRUE);

  return g_atomic_int_get (&priv->shut_down);
}

/**
 * canopy_bus_dup_channel_info:
 * @self: a bus
 *
 * Returns: (transfer full): the text of [property@Canopy.Bus:channel-info]
 */
char *
canopy_bus_dup_channel_info (CanopyBus *self)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);
  char *ret;

  g_return_val_if_fail (CANOPY_IS_BUS (self), NULL);

  g_mutex_lock (&priv->info_mutex);
  ret = g_strdup (priv->channel_info);
  g_mutex_unlock (&priv->info_mutex);

  return ret;
}

/**
 * canopy_bus_get_bitrate:
 * @self: a bus
 *
 * Returns: the nominal bit rate in bit/s, 0 when unknown
 */
guint
canopy_bus_get_bitrate (CanopyBus *self)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);

  g_return_val_if_fail (CANOPY_IS_BUS (self), 0);

  return (guint) g_atomic_int_get (&priv->bitrate);
}

/**
 * canopy_bus_set_bitrate:
 * @self: a bus
 * @bitrate: the nominal bit rate in bit/s, 0 when unknown
 *
 * Tells the bus the nominal bit rate its bus load is computed from. It
 * does not reconfigure a controller (drivers that can, take the `bitrate`
 * option when they open).
 */
void
canopy_bus_set_bitrate (CanopyBus *self,
                        guint      bitrate)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);

  g_return_if_fail (CANOPY_IS_BUS (self));

  if ((guint) g_atomic_int_get (&priv->bitrate) == bitrate)
    return;
  g_atomic_int_set (&priv->bitrate, bitrate);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BITRATE]);
}

/**
 * canopy_bus_get_data_bitrate:
 * @self: a bus
 *
 * Returns: the CAN FD data bit rate in bit/s, 0 when unknown
 */
guint
canopy_bus_get_data_bitrate (CanopyBus *self)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);

  g_return_val_if_fail (CANOPY_IS_BUS (self), 0);

  return (guint) g_atomic_int_get (&priv->data_bitrate);
}

/**
 * canopy_bus_set_data_bitrate:
 * @self: a bus
 * @data_bitrate: the CAN FD data bit rate in bit/s, 0 when unknown
 *
 * Tells the bus the data-phase bit rate of CAN FD frames sent with
 * bit-rate switch, for the bus load.
 */
void
canopy_bus_set_data_bitrate (CanopyBus *self,
                             guint      data_bitrate)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);

  g_return_if_fail (CANOPY_IS_BUS (self));

  if ((guint) g_atomic_int_get (&priv->data_bitrate) == data_bitrate)
    return;
  g_atomic_int_set (&priv->data_bitrate, data_bitrate);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATA_BITRATE]);
}

/**
 * canopy_bus_get_statistics:
 * @self: a bus
 *
 * Takes a snapshot of what @self has counted since it opened: frames
 * received and sent, error frames, frames dropped (by a full queue, or by
 * the kernel on SocketCAN), the frame rate and the bus load over the last
 * second, and the controller state where the driver knows it.
 *
 * Returns: (transfer full): the statistics
 */
CanopyBusStatistics *
canopy_bus_get_statistics (CanopyBus *self)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);
  CanopyBusStatistics *stats;
  CanopyBusClass *klass;

  g_return_val_if_fail (CANOPY_IS_BUS (self), NULL);

  stats = _canopy_bus_statistics_snapshot (&priv->rx, &priv->tx, &priv->window,
                                           canopy_bus_get_bitrate (self),
                                           canopy_bus_get_data_bitrate (self),
                                           _canopy_clock_monotonic_ns ());

  klass = CANOPY_BUS_GET_CLASS (self);
  if (klass->update_statistics != NULL && priv->opened && !canopy_bus_is_shut_down (self))
    klass->update_statistics (self, stats);

  return stats;
}

/**
 * canopy_bus_add_tx_listener:
 * @self: a bus
 * @listener: the listener to tell
 *
 * Tells @listener of every frame this bus object sends successfully,
 * whoever sends it: canopy_bus_send() from any thread, the cyclic tasks of
 * Canopy's own scheduler, a [class@Canopy.Player]. Each frame is a copy
 * flagged %CANOPY_MESSAGE_TX and stamped with the wall-clock time at which
 * the driver took it, handed over on the sending thread, so @listener must
 * be safe to call from any thread and must not block. A trace fed by a
 * [class@Canopy.Notifier] and by this shows what the program sends beside
 * what it receives, on any bus, also on those that cannot receive their
 * own messages (a bus that does, with `receive_own_messages`, would show
 * them twice).
 *
 * Frames a driver's own broadcast manager sends (SocketCAN's CAN_BCM) do
 * not pass through here. The bus holds a reference on @listener until
 * [method@Canopy.Bus.remove_tx_listener] or until the bus is disposed, and
 * never calls its stop().
 */
void
canopy_bus_add_tx_listener (CanopyBus      *self,
                            CanopyListener *listener)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);
  GPtrArray *listeners;

  g_return_if_fail (CANOPY_IS_BUS (self));
  g_return_if_fail (CANOPY_IS_LISTENER (listener));

  g_mutex_lock (&priv->tx_listeners_mutex);
  listeners = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; priv->tx_listeners != NULL && i < priv->tx_listeners->len; i++)
    g_ptr_array_add (listeners, g_object_ref (g_ptr_array_index (priv->tx_listeners, i)));
  g_ptr_array_add (listeners, g_object_ref (listener));
  g_clear_pointer (&priv->tx_listeners, g_ptr_array_unref);
  priv->tx_listeners = listeners;
  g_atomic_int_set (&priv->has_tx_listeners, TRUE);
  g_mutex_unlock (&priv->tx_listeners_mutex);
}

/**
 * canopy_bus_remove_tx_listener:
 * @self: a bus
 * @listener: a listener given to canopy_bus_add_tx_listener()
 *
 * Stops telling @listener of the frames sent (once, if it was added more
 * than once). A frame being sent on another thread at this moment may
 * still reach it.
 */
void
canopy_bus_remove_tx_listener (CanopyBus      *self,
                               CanopyListener *listener)
{
  CanopyBusPrivate *priv = canopy_bus_get_instance_private (self);
  GPtrArray *listeners;
  gboolean removed = FALSE;

  g_return_if_fail (CANOPY_IS_BUS (self));
  g_return_if_fail (CANOPY_IS_LISTENER (listener));

  g_mutex_lock (&priv->tx_listeners_mutex);
  listeners = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; priv->tx_listeners != NULL && i < priv->tx_listeners->len; i++)
    {
      gpointer item = g_ptr_array_index (priv->tx_listeners, i);

      if (!removed && item == (gpointer) listener)
        removed = TRUE;
      else
        g_ptr_array_add (listeners, g_object_ref (item));
    }
  g_clear_pointer (&priv->tx_listeners, g_ptr_array_unref);
  if (listeners->len > 0)
    priv->tx_listeners = listeners;
  else
    g_ptr_array_unref (listeners);
  g_atomic_int_set (&priv->has_tx_listeners, priv->tx_listeners != NULL);
  g_mutex_unlock (&priv->tx_listeners_mutex);
}
