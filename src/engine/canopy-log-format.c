/* canopy-log-format.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-error.h"
#include "canopy-log-format.h"

#include "canopy-interface-info-private.h"
#include "canopy-log-format-private.h"

/**
 * CanopyLogFormat:
 *
 * One log file format Canopy reads or writes: its name, file name
 * extensions and glob patterns, MIME type, and the #CanopyLogReader and
 * #CanopyLogWriter types that implement it — what a file chooser lists and
 * what canopy_log_reader_new_for_file() and
 * canopy_log_writer_new_for_file() pick from.
 */

struct _CanopyLogFormat
{
  GObject                     parent_instance;
  const CanopyLogFormatEntry *entry;
  GStrv                       globs;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_EXTENSIONS,
  PROP_GLOBS,
  PROP_MIME_TYPE,
  PROP_READER_TYPE,
  PROP_WRITER_TYPE,
  PROP_CAN_READ,
  PROP_CAN_WRITE,
  PROP_COMPRESSIBLE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyLogFormat, canopy_log_format, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* Registered formats, in registration order, for the life of the process. */
static GMutex registry_mutex;
static GListStore *registry;

static const char * const no_strings[] = { NULL };

static void
canopy_log_format_finalize (GObject *object)
{
  CanopyLogFormat *self = CANOPY_LOG_FORMAT (object);

  g_clear_pointer (&self->globs, g_strfreev);

  G_OBJECT_CLASS (canopy_log_format_parent_class)->finalize (object);
}

static void
canopy_log_format_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CanopyLogFormat *self = CANOPY_LOG_FORMAT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, canopy_log_format_get_name (self));
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, canopy_log_format_get_description (self));
      break;

    case PROP_EXTENSIONS:
      g_value_set_boxed (value, canopy_log_format_get_extensions (self));
      break;

    case PROP_GLOBS:
      g_value_set_boxed (value, canopy_log_format_get_globs (self));
      break;

    case PROP_MIME_TYPE:
      g_value_set_string (value, canopy_log_format_get_mime_type (self));
      break;

    case PROP_READER_TYPE:
      g_value_set_gtype (value, canopy_log_format_get_reader_type (self));
      break;

    case PROP_WRITER_TYPE:
      g_value_set_gtype (value, canopy_log_format_get_writer_type (self));
      break;

    case PROP_CAN_READ:
      g_value_set_boolean (value, canopy_log_format_get_can_read (self));
      break;

    case PROP_CAN_WRITE:
      g_value_set_boolean (value, canopy_log_format_get_can_write (self));
      break;

    case PROP_COMPRESSIBLE:
      g_value_set_boolean (value, canopy_log_format_get_compressible (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_log_format_class_init (CanopyLogFormatClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = canopy_log_format_finalize;
  object_class->get_property = canopy_log_format_get_property;

  /**
   * CanopyLogFormat:name:
   *
   * The short name: `asc`, `blf`, `csv`, `sqlite`, `candump`, `trc`,
   * `printer`.
   */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);

  /**
   * CanopyLogFormat:description:
   *
   * The format's name for people: "Vector ASCII log".
   */
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);

  /**
   * CanopyLogFormat:extensions:
   *
   * File name extensions with the dot: `.asc`.
   */
  properties[PROP_EXTENSIONS] = g_param_spec_boxed ("extensions", NULL, NULL, G_TYPE_STRV, flags);

  /**
   * CanopyLogFormat:globs:
   *
   * Glob patterns for a file chooser: `*.asc`, and `*.asc.gz` for
   * compressible formats.
   */
  properties[PROP_GLOBS] = g_param_spec_boxed ("globs", NULL, NULL, G_TYPE_STRV, flags);

  /**
   * CanopyLogFormat:mime-type:
   *
   * The MIME type, where one is in use; otherwise %NULL.
   */
  properties[PROP_MIME_TYPE] = g_param_spec_string ("mime-type", NULL, NULL, NULL, flags);

  /**
   * CanopyLogFormat:reader-type:
   *
   * The #CanopyLogReader subclass, or %G_TYPE_INVALID.
   */
  properties[PROP_READER_TYPE] = g_param_spec_gtype ("reader-type", NULL, NULL, G_TYPE_NONE, flags);

  /**
   * CanopyLogFormat:writer-type:
   *
   * The #CanopyLogWriter subclass, or %G_TYPE_INVALID.
   */
  properties[PROP_WRITER_TYPE] = g_param_spec_gtype ("writer-type", NULL, NULL, G_TYPE_NONE, flags);

  /**
   * CanopyLogFormat:can-read:
   *
   * Whether Canopy reads the format.
   */
  properties[PROP_CAN_READ] = g_param_spec_boolean ("can-read", NULL, NULL, FALSE, flags);

  /**
   * CanopyLogFormat:can-write:
   *
   * Whether Canopy writes the format.
   */
  properties[PROP_CAN_WRITE] = g_param_spec_boolean ("can-write", NULL, NULL, FALSE, flags);

  /**
   * CanopyLogFormat:compressible:
   *
   * Whether files of the format are also read and written gzip-compressed,
   * with `.gz` after the extension.
   */
  properties[PROP_COMPRESSIBLE] = g_param_spec_boolean ("compressible", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_log_format_init (CanopyLogFormat *self)
{
}

void
_canopy_log_format_register (const CanopyLogFormatEntry *entry)
{
  g_autoptr(CanopyLogFormat) format = NULL;
  g_autoptr(GStrvBuilder) globs = g_strv_builder_new ();

  g_return_if_fail (entry != NULL && entry->name != NULL);
  g_return_if_fail (entry->reader_type == G_TYPE_INVALID ||
                    g_type_is_a (entry->reader_type, CANOPY_TYPE_LOG_READER));
  g_return_if_fail (entry->writer_type == G_TYPE_INVALID ||
                    g_type_is_a (entry->writer_type, CANOPY_TYPE_LOG_WRITER));

  format = g_object_new (CANOPY_TYPE_LOG_FORMAT, NULL);
  format->entry = entry;
  for (guint i = 0; entry->extensions != NULL && entry->extensions[i] != NULL; i++)
    {
      g_autofree char *glob = g_strconcat ("*", entry->extensions[i], NULL);
      g_autofree char *gz_glob = g_strconcat (glob, ".gz", NULL);

      g_strv_builder_add (globs, glob);
      if (entry->compressible)
        g_strv_builder_add (globs, gz_glob);
    }
  format->globs = g_strv_builder_end (globs);

  g_mutex_lock (&registry_mutex);
  if (registry == NULL)
    registry = g_list_store_new (CANOPY_TYPE_LOG_FORMAT);
  g_list_store_append (registry, format);
  g_mutex_unlock (&registry_mutex);
}

/* The registry, complete. The caller holds registry_mutex until it is done
 * with the formats' entries (they are static, the objects live forever). */
static GListModel *
lock_registry (void)
{
  _canopy_builtins_ensure_registered ();

  g_mutex_lock (&registry_mutex);
  if (registry == NULL)
    registry = g_list_store_new (CANOPY_TYPE_LOG_FORMAT);
  return G_LIST_MODEL (registry);
}

static void
unlock_registry (void)
{
  g_mutex_unlock (&registry_mutex);
}

/* The model holds a reference for the life of the process. */
static CanopyLogFormat *
peek_item (GListModel *model,
           guint       position)
{
  CanopyLogFormat *format = g_list_model_get_item (model, position);

  g_object_unref (format);
  return format;
}

const CanopyLogFormatEntry *
_canopy_log_format_get_entry (CanopyLogFormat *self)
{
  return self->entry;
}

/**
 * canopy_log_format_list:
 *
 * Every log format Canopy knows, in registration order.
 *
 * Returns: (transfer full): a #GListModel of #CanopyLogFormat
 */
GListModel *
canopy_log_format_list (void)
{
  GListStore *copy = g_list_store_new (CANOPY_TYPE_LOG_FORMAT);
  GListModel *model = lock_registry ();

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_list_store_append (copy, peek_item (model, i));
  unlock_registry ();

  return G_LIST_MODEL (copy);
}

/**
 * canopy_log_format_lookup:
 * @name: a short format name such as `asc`
 *
 * Returns: (transfer none) (nullable): the format, or %NULL
 */
CanopyLogFormat *
canopy_log_format_lookup (const char *name)
{
  CanopyLogFormat *found = NULL;
  GListModel *model;

  g_return_val_if_fail (name != NULL, NULL);

  model = lock_registry ();
  for (guint i = 0; found == NULL && i < g_list_model_get_n_items (model); i++)
    {
      CanopyLogFormat *format = peek_item (model, i);

      if (g_str_equal (format->entry->name, name))
        found = format;
    }
  unlock_registry ();

  return found;
}

/**
 * canopy_log_format_lookup_for_path:
 * @path: (type filename): a file name
 *
 * Finds the format a file name's extension names (case does not matter;
 * `.gz` after it for compressible formats).
 *
 * Returns: (transfer none) (nullable): the format, or %NULL
 */
CanopyLogFormat *
canopy_log_format_lookup_for_path (const char *path)
{
  g_autofree char *base = NULL;
  g_autofree char *lower = NULL;
  CanopyLogFormat *found = NULL;
  gboolean gz = FALSE;
  GListModel *model;

  g_return_val_if_fail (path != NULL, NULL);

  base = g_path_get_basename (path);
  lower = g_ascii_strdown (base, -1);

  if (g_str_has_suffix (lower, ".gz"))
    {
      gz = TRUE;
      lower[strlen (lower) - 3] = '\0';
    }

  model = lock_registry ();
  for (guint i = 0; found == NULL && i < g_list_model_get_n_items (model); i++)
    {
      CanopyLogFormat *format = peek_item (model, i);
      const char * const *extensions = format->entry->extensions;

      if (gz && !format->entry->compressible)
        continue;

      for (guint j = 0; extensions != NULL && extensions[j] != NULL; j++)
        if (g_str_has_suffix (lower, extensions[j]))
          {
            found = format;
            break;
          }
    }
  unlock_registry ();

  return found;
}

static char *
describe_extensions (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GListModel *model = lock_registry ();

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      CanopyLogFormat *format = peek_item (model, i);
      const char * const *extensions = format->entry->extensions;

      for (guint j = 0; extensions != NULL && extensions[j] != NULL; j++)
        g_string_append_printf (text, "%s%s", text->len ? " " : "", extensions[j]);
    }
  unlock_registry ();

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static CanopyLogFormat *
sniff_file (const char  *path,
            GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree char *known = NULL;
  CanopyLogFormat *found = NULL;
  GListModel *model;
  guint8 head[64];
  gsize len = 0;

  if (!(stream = g_file_read (file, NULL, error)))
    return NULL;

  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), head, sizeof head, &len, NULL, error))
    return NULL;

  model = lock_registry ();
  for (guint i = 0; found == NULL && i < g_list_model_get_n_items (model); i++)
    {
      CanopyLogFormat *format = peek_item (model, i);

      if (format->entry->sniff != NULL && format->entry->sniff (head, len))
        found = format;
    }
  unlock_registry ();

  if (found != NULL)
    return found;

  known = describe_extensions ();
  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
               "%s: unknown log format (known extensions: %s, and .gz for text formats)",
               path, known);
  return NULL;
}

CanopyLogReader *
_canopy_log_format_open_reader (const char  *path,
                                GError     **error)
{
  CanopyLogFormat *format;

  if (!(format = canopy_log_format_lookup_for_path (path)) &&
      !(format = sniff_file (path, error)))
    return NULL;

  if (format->entry->open_reader == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                   "%s: reading the %s format is not supported", path, format->entry->name);
      return NULL;
    }

  return format->entry->open_reader (path, error);
}

static CanopyLogFormat *
lookup_fallback_writer (void)
{
  CanopyLogFormat *found = NULL;
  GListModel *model = lock_registry ();

  for (guint i = 0; found == NULL && i < g_list_model_get_n_items (model); i++)
    {
      CanopyLogFormat *format = peek_item (model, i);

      if (format->entry->fallback_writer)
        found = format;
    }
  unlock_registry ();

  return found;
}

CanopyLogWriter *
_canopy_log_format_open_writer (const char  *path,
                                GError     **error)
{
  CanopyLogFormat *format;

  /* As python-can's Logger: anything unknown gets the Printer's text, but
   * not under a name that promises compression. */
  if (!(format = canopy_log_format_lookup_for_path (path)))
    {
      if (g_str_has_suffix (path, ".gz") || g_str_has_suffix (path, ".GZ"))
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                       "%s: only text formats (.asc, .csv, .log, .trc) can be "
                       "written compressed", path);
          return NULL;
        }
      format = lookup_fallback_writer ();
    }

  if (format == NULL || format->entry->open_writer == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                   "%s: writing the %s format is not supported", path,
                   format ? format->entry->name : "unknown");
      return NULL;
    }

  return format->entry->open_writer (path, error);
}

/* The short name of the format a reader or writer type implements. */
const char *
_canopy_log_format_name_for_type (GType type)
{
  const char *found = NULL;
  GListModel *model = lock_registry ();

  for (guint i = 0; found == NULL && i < g_list_model_get_n_items (model); i++)
    {
      CanopyLogFormat *format = peek_item (model, i);

      if (format->entry->reader_type == type || format->entry->writer_type == type)
        found = format->entry->name;
    }
  unlock_registry ();

  return found;
}

/**
 * canopy_log_format_get_name:
 * @self: a log format
 *
 * Returns: the short name, such as `asc`
 */
const char *
canopy_log_format_get_name (CanopyLogFormat *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_FORMAT (self), NULL);
  return self->entry->name;
}

/**
 * canopy_log_format_get_description:
 * @self: a log format
 *
 * Returns: the format's name for people
 */
const char *
canopy_log_format_get_description (CanopyLogFormat *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_FORMAT (self), NULL);
  return self->entry->description;
}

/**
 * canopy_log_format_get_extensions:
 * @self: a log format
 *
 * Returns: (transfer none) (array zero-terminated=1): the file name
 *   extensions, with the dot
 */
const char * const *
canopy_log_format_get_extensions (CanopyLogFormat *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_FORMAT (self), NULL);
  return self->entry->extensions != NULL ? self->entry->extensions : no_strings;
}

/**
 * canopy_log_format_get_globs:
 * @self: a log format
 *
 * Returns: (transfer none) (array zero-terminated=1): glob patterns for a
 *   file chooser filter
 */
const char * const *
canopy_log_format_get_globs (CanopyLogFormat *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_FORMAT (self), NULL);
  return (const char * const *) self->globs;
}

/**
 * canopy_log_format_get_mime_type:
 * @self: a log format
 *
 * Returns: (nullable): the MIME type, where one is in use
 */
const char *
canopy_log_format_get_mime_type (CanopyLogFormat *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_FORMAT (self), NULL);
  return self->entry->mime_type;
}

/**
 * canopy_log_format_get_reader_type:
 * @self: a log format
 *
 * Returns: the #CanopyLogReader subclass, or %G_TYPE_INVALID
 */
GType
canopy_log_format_get_reader_type (CanopyLogFormat *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_FORMAT (self), G_TYPE_INVALID);
  return self->entry->reader_type;
}

/**
 * canopy_log_format_get_writer_type:
 * @self: a log format
 *
 * Returns: the #CanopyLogWriter subclass, or %G_TYPE_INVALID
 */
GType
canopy_log_format_get_writer_type (CanopyLogFormat *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_FORMAT (self), G_TYPE_INVALID);
  return self->entry->writer_type;
}

/**
 * canopy_log_format_get_can_read:
 * @self: a log format
 *
 * Returns: whether Canopy reads the format
 */
gboolean
canopy_log_format_get_can_read (CanopyLogFormat *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_FORMAT (self), FALSE);
  return self->entry->open_reader != NULL;
}

/**
 * canopy_log_format_get_can_write:
 * @self: a log format
 *
 * Returns: whether Canopy writes the format
 */
gboolean
canopy_log_format_get_can_write (CanopyLogFormat *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_FORMAT (self), FALSE);
  return self->entry->open_writer != NULL;
}

/**
 * canopy_log_format_get_compressible:
 * @self: a log format
 *
 * Returns: whether the format is also read and written with gzip
 */
gboolean
canopy_log_format_get_compressible (CanopyLogFormat *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_FORMAT (self), FALSE);
  return self->entry->compressible;
}
