/* canopy-interface-info.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-bus.h"
#include "canopy-interface-info.h"

#include "canopy-interface-info-private.h"

/**
 * CanopyInterfaceInfo:
 *
 * One interface driver canopy_bus_new() can open, by its python-can name:
 * what it is and what it needs (a device path, a vendor library, a
 * network interface), for a connect dialog or a tool's `--help`.
 *
 * canopy_interface_info_list() lists them all, including the names
 * python-can knows that this build of Canopy cannot open
 * ([property@Canopy.InterfaceInfo:available] is %FALSE for those).
 */

struct _CanopyInterfaceInfo
{
  GObject             parent_instance;
  const char         *name;
  const char * const *aliases;
  const char         *description;
  const char         *requirement;
  GType               bus_type;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_ALIASES,
  PROP_DESCRIPTION,
  PROP_REQUIREMENT,
  PROP_BUS_TYPE,
  PROP_AVAILABLE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyInterfaceInfo, canopy_interface_info, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* Registered infos, in registration order; never freed (a registry lives
 * as long as the process, like GIO's extension points). */
static GMutex registry_mutex;
static GListStore *registry;

static void
canopy_interface_info_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CanopyInterfaceInfo *self = CANOPY_INTERFACE_INFO (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_ALIASES:
      g_value_set_boxed (value, self->aliases);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_REQUIREMENT:
      g_value_set_string (value, self->requirement);
      break;

    case PROP_BUS_TYPE:
      g_value_set_gtype (value, self->bus_type);
      break;

    case PROP_AVAILABLE:
      g_value_set_boolean (value, canopy_interface_info_get_available (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_interface_info_class_init (CanopyInterfaceInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = canopy_interface_info_get_property;

  /**
   * CanopyInterfaceInfo:name:
   *
   * The python-can interface name: `socketcan`, `pcan`, `virtual`, …
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyInterfaceInfo:aliases:
   *
   * Other names that open the same driver (`socketcan_native`, …).
   */
  properties[PROP_ALIASES] =
    g_param_spec_boxed ("aliases", NULL, NULL, G_TYPE_STRV,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyInterfaceInfo:description:
   *
   * What the interface is, for people: "Linux SocketCAN".
   */
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyInterfaceInfo:requirement:
   *
   * What opening it needs, for people: "a CAN network interface such as
   * can0 or vcan0", "the PCANBasic library".
   */
  properties[PROP_REQUIREMENT] =
    g_param_spec_string ("requirement", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyInterfaceInfo:bus-type:
   *
   * The #CanopyBus subclass that implements it; %G_TYPE_INVALID when this
   * build has no such driver.
   */
  properties[PROP_BUS_TYPE] =
    g_param_spec_gtype ("bus-type", NULL, NULL, G_TYPE_NONE,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyInterfaceInfo:available:
   *
   * Whether this build of Canopy can open the interface.
   */
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_interface_info_init (CanopyInterfaceInfo *self)
{
}

void
_canopy_interface_register (const char         *name,
                            const char * const *aliases,
                            GType               bus_type,
                            const char         *description,
                            const char         *requirement)
{
  static const char * const no_aliases[] = { NULL };
  g_autoptr(CanopyInterfaceInfo) info = NULL;

  g_return_if_fail (name != NULL);
  g_return_if_fail (bus_type == G_TYPE_INVALID || g_type_is_a (bus_type, CANOPY_TYPE_BUS));

  info = g_object_new (CANOPY_TYPE_INTERFACE_INFO, NULL);
  info->name = name;
  info->aliases = aliases != NULL ? aliases : no_aliases;
  info->bus_type = bus_type;
  info->description = description;
  info->requirement = requirement;

  g_mutex_lock (&registry_mutex);
  if (registry == NULL)
    registry = g_list_store_new (CANOPY_TYPE_INTERFACE_INFO);

  /* A real driver replaces a name registered as unavailable. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (registry)); i++)
    {
      g_autoptr(CanopyInterfaceInfo) other = g_list_model_get_item (G_LIST_MODEL (registry), i);

      if (g_str_equal (other->name, name))
        {
          if (bus_type != G_TYPE_INVALID)
            g_list_store_splice (registry, i, 1, (gpointer *) &info, 1);
          g_mutex_unlock (&registry_mutex);
          return;
        }
    }
  g_list_store_append (registry, info);
  g_mutex_unlock (&registry_mutex);
}

static GListStore *
ensure_registry (void)
{
  _canopy_builtins_ensure_registered ();

  g_mutex_lock (&registry_mutex);
  if (registry == NULL)
    registry = g_list_store_new (CANOPY_TYPE_INTERFACE_INFO);
  g_mutex_unlock (&registry_mutex);

  return registry;
}

/**
 * canopy_interface_info_list:
 *
 * Every interface canopy_bus_new() knows, in a stable order: the drivers
 * of this build first as registered, including python-can names this build
 * cannot open.
 *
 * Returns: (transfer full): a #GListModel of #CanopyInterfaceInfo
 */
GListModel *
canopy_interface_info_list (void)
{
  GListStore *store = ensure_registry ();
  GListStore *copy = g_list_store_new (CANOPY_TYPE_INTERFACE_INFO);

  g_mutex_lock (&registry_mutex);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_list_store_append (copy, item);
    }
  g_mutex_unlock (&registry_mutex);

  return G_LIST_MODEL (copy);
}

/**
 * canopy_interface_info_lookup:
 * @name: a python-can interface name or one of its aliases
 *
 * Returns: (transfer none) (nullable): the interface called @name, or %NULL
 */
CanopyInterfaceInfo *
canopy_interface_info_lookup (const char *name)
{
  GListStore *store;
  CanopyInterfaceInfo *found = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  store = ensure_registry ();

  g_mutex_lock (&registry_mutex);
  for (guint i = 0; found == NULL && i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      /* The store holds a reference for the life of the process. */
      CanopyInterfaceInfo *info = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (g_str_equal (info->name, name) || g_strv_contains ((const char * const *) info->aliases, name))
        found = info;
      g_object_unref (info);
    }
  g_mutex_unlock (&registry_mutex);

  return found;
}

/**
 * canopy_interface_info_get_name:
 * @self: an interface info
 *
 * Returns: the python-can interface name
 */
const char *
canopy_interface_info_get_name (CanopyInterfaceInfo *self)
{
  g_return_val_if_fail (CANOPY_IS_INTERFACE_INFO (self), NULL);
  return self->name;
}

/**
 * canopy_interface_info_get_aliases:
 * @self: an interface info
 *
 * Returns: (transfer none) (array zero-terminated=1): other names of the
 *   interface
 */
const char * const *
canopy_interface_info_get_aliases (CanopyInterfaceInfo *self)
{
  g_return_val_if_fail (CANOPY_IS_INTERFACE_INFO (self), NULL);
  return self->aliases;
}

/**
 * canopy_interface_info_get_description:
 * @self: an interface info
 *
 * Returns: what the interface is, for people
 */
const char *
canopy_interface_info_get_description (CanopyInterfaceInfo *self)
{
  g_return_val_if_fail (CANOPY_IS_INTERFACE_INFO (self), NULL);
  return self->description;
}

/**
 * canopy_interface_info_get_requirement:
 * @self: an interface info
 *
 * Returns: what opening the interface needs, for people
 */
const char *
canopy_interface_info_get_requirement (CanopyInterfaceInfo *self)
{
  g_return_val_if_fail (CANOPY_IS_INTERFACE_INFO (self), NULL);
  return self->requirement;
}

/**
 * canopy_interface_info_get_bus_type:
 * @self: an interface info
 *
 * Returns: the #CanopyBus subclass, or %G_TYPE_INVALID when this build has
 *   no such driver
 */
GType
canopy_interface_info_get_bus_type (CanopyInterfaceInfo *self)
{
  g_return_val_if_fail (CANOPY_IS_INTERFACE_INFO (self), G_TYPE_INVALID);
  return self->bus_type;
}

/**
 * canopy_interface_info_get_available:
 * @self: an interface info
 *
 * Returns: whether this build of Canopy can open the interface
 */
gboolean
canopy_interface_info_get_available (CanopyInterfaceInfo *self)
{
  g_return_val_if_fail (CANOPY_IS_INTERFACE_INFO (self), FALSE);
  return self->bus_type != G_TYPE_INVALID;
}
