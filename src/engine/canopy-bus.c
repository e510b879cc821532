/* canopy-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-bus.h"
#include "canopy-config.h"
#include "canopy-error.h"

#include "canopy-bus-private.h"

/**
 * CanopyBus:
 *
 * A CAN bus: python-can's `BusABC`. Create one with canopy_bus_new(), send
 * with canopy_bus_send(), receive with canopy_bus_recv() or hand it to a
 * [class@Canopy.Notifier].
 *
 * All methods may be called from any thread; a bus is typically read by one
 * thread (a notifier's) while others send.
 */

G_DEFINE_INTERFACE (CanopyBus, canopy_bus, G_TYPE_OBJECT)

static void
canopy_bus_default_init (CanopyBusInterface *iface)
{
  /**
   * CanopyBus:channel-info:
   *
   * A text describing the channel, python-can's `channel_info`.
   */
  g_object_interface_install_property (iface,
                                       g_param_spec_string ("channel-info", NULL, NULL,
                                                            "unknown",
                                                            (G_PARAM_READABLE |
                                                             G_PARAM_STATIC_STRINGS)));
}

void
_canopy_bus_class_override_properties (GObjectClass *object_class)
{
  g_object_class_override_property (object_class, CANOPY_BUS_PROP_CHANNEL_INFO, "channel-info");
}

void
_canopy_bus_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  switch (prop_id)
    {
    case CANOPY_BUS_PROP_CHANNEL_INFO:
      g_value_take_string (value, canopy_bus_dup_channel_info (CANOPY_BUS (object)));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

void
_canopy_bus_core_init (CanopyBusCore *core,
                       const char    *channel_info)
{
  g_mutex_init (&core->mutex);
  core->filters = NULL;
  core->n_filters = 0;
  core->shut_down = FALSE;
  core->channel_info = g_strdup (channel_info);
}

void
_canopy_bus_core_clear (CanopyBusCore *core)
{
  g_clear_pointer (&core->filters, g_free);
  g_clear_pointer (&core->channel_info, g_free);
  g_mutex_clear (&core->mutex);
}

gboolean
_canopy_bus_core_check_open (CanopyBusCore  *core,
                             GError        **error)
{
  if G_UNLIKELY (g_atomic_int_get (&core->shut_down))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN,
                   "The bus on %s was shut down", core->channel_info);
      return FALSE;
    }
  return TRUE;
}

/* Returns TRUE for the one caller that gets to release the device. */
gboolean
_canopy_bus_core_begin_shutdown (CanopyBusCore *core)
{
  return g_atomic_int_compare_and_exchange (&core->shut_down, FALSE, TRUE);
}

gboolean
_canopy_bus_core_is_shut_down (CanopyBusCore *core)
{
  return g_atomic_int_get (&core->shut_down);
}

void
_canopy_bus_core_set_filters (CanopyBusCore      *core,
                              const CanopyFilter *filters,
                              guint               n_filters)
{
  CanopyFilter *copy = n_filters ? g_memdup2 (filters, sizeof *filters * n_filters) : NULL;

  g_mutex_lock (&core->mutex);
  g_free (core->filters);
  core->filters = copy;
  core->n_filters = n_filters;
  g_mutex_unlock (&core->mutex);
}

/* The caller holds core->mutex or is the only thread that sets filters. */
gboolean
_canopy_bus_core_accepts (CanopyBusCore       *core,
                          const CanopyMessage *msg)
{
  return canopy_filters_match (core->filters, core->n_filters, msg);
}

/**
 * canopy_bus_list_interfaces:
 *
 * The interface names canopy_bus_new() knows, python-can's names.
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
      const CanopyDriverEntry *table;
      guint n;

      table = _canopy_driver_table (&n);
      for (guint i = 0; i < n; i++)
        g_strv_builder_add (builder, table[i].name);
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
 *   config file (`bitrate`, `receive_own_messages`, …)
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
  const CanopyDriverEntry *entry;
  const char *name;

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

  entry = _canopy_driver_lookup (name);
  if (entry == NULL)
    {
      g_autofree char *known = g_strjoinv (", ", (char **) canopy_bus_list_interfaces ());

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNKNOWN_INTERFACE,
                   "Unknown CAN interface “%s”; known interfaces are: %s", name, known);
      return NULL;
    }

  if (entry->new_bus == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE,
                   "The CAN interface “%s” is not available in this build of Canopy", name);
      return NULL;
    }

  return entry->new_bus (g_hash_table_lookup (config, "channel"), config, error);
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
  g_return_val_if_fail (CANOPY_IS_BUS (self), FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!canopy_message_validate (msg, error))
    return FALSE;

  return CANOPY_BUS_GET_IFACE (self)->send (self, msg, timeout, error);
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
  g_return_val_if_fail (CANOPY_IS_BUS (self), FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return CANOPY_BUS_GET_IFACE (self)->recv (self, msg, timeout, error);
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
  g_return_val_if_fail (CANOPY_IS_BUS (self), FALSE);
  g_return_val_if_fail (filters != NULL || n_filters == 0, FALSE);

  return CANOPY_BUS_GET_IFACE (self)->set_filters (self, filters, n_filters, error);
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
 * in software with the same result.
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
  CanopyBusInterface *iface;

  g_return_val_if_fail (CANOPY_IS_BUS (self), FALSE);

  iface = CANOPY_BUS_GET_IFACE (self);
  if (iface->flush_tx_buffer == NULL)
    return TRUE;
  return iface->flush_tx_buffer (self, error);
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
  g_return_if_fail (CANOPY_IS_BUS (self));

  CANOPY_BUS_GET_IFACE (self)->shutdown (self);
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
  CanopyBusInterface *iface;

  g_return_val_if_fail (CANOPY_IS_BUS (self), NULL);

  iface = CANOPY_BUS_GET_IFACE (self);
  if (iface->get_channel_info == NULL)
    return g_strdup ("unknown");
  return g_strdup (iface->get_channel_info (self));
}
