/* canopy-database.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "canopy-database.h"
#include "canopy-error.h"

#include "canopy-dbc-private.h"

/**
 * CanopyDatabase:
 *
 * A signal database loaded from a DBC file: the messages of a network and
 * the signals in them. [method@Canopy.Database.decode] turns a frame into
 * physical signal values; [method@Canopy.MessageDef.encode] does the
 * reverse.
 *
 * The parser reads every section of the DBC format that describes frames
 * (`BO_`, `SG_` with Intel and Motorola byte order, multiplexing including
 * `SG_MUL_VAL_`, `VAL_`, `VAL_TABLE_`, `CM_`, `BA_DEF_`, `BA_DEF_DEF_`,
 * `BA_`, `SIG_VALTYPE_`, `BO_TX_BU_`, `SIG_GROUP_`). Input is untrusted: a
 * damaged or unknown section is skipped and listed by
 * [method@Canopy.Database.get_problems] with its line, and everything
 * else still loads; only a file that is no DBC at all (empty, binary, or
 * text of another kind) is an error, naming the line and column.
 *
 * ```python
 * db = Canopy.Database.new_from_file("vw_mqb.dbc")
 * values = {v.get_name(): v.get_value() for v in db.decode(frame)}
 * ```
 */

struct _CanopyDatabase
{
  GObject     parent_instance;

  GPtrArray  *messages;
  GHashTable *by_id;        /* id | extended << 31 → CanopyMessageDef */
  GHashTable *by_pgn;       /* J1939 PGN → CanopyMessageDef */
  GHashTable *by_name;
  GHashTable *value_tables; /* name → ValueTable */
  GPtrArray  *problems;     /* "line N: …", NULL-terminated */
  guint       n_skipped;
  char       *version;
  GStrv       nodes;
  char       *comment;
  GHashTable *attributes;   /* network attributes: name → text */
};

typedef struct
{
  CanopyValueText *texts;
  guint            n_texts;
} ValueTable;

#define MAX_PROBLEMS_KEPT 1000

G_DEFINE_FINAL_TYPE (CanopyDatabase, canopy_database, G_TYPE_OBJECT)

static void
value_table_free (gpointer data)
{
  ValueTable *table = data;

  for (guint i = 0; i < table->n_texts; i++)
    g_free (table->texts[i].text);
  g_free (table->texts);
  g_free (table);
}

static void
canopy_database_finalize (GObject *object)
{
  CanopyDatabase *self = CANOPY_DATABASE (object);

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->by_pgn, g_hash_table_unref);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->value_tables, g_hash_table_unref);
  g_clear_pointer (&self->messages, g_ptr_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_strfreev (self->nodes);
  g_free (self->comment);
  g_free (self->version);
  g_clear_pointer (&self->attributes, g_hash_table_unref);

  G_OBJECT_CLASS (canopy_database_parent_class)->finalize (object);
}

static void
canopy_database_class_init (CanopyDatabaseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = canopy_database_finalize;
}

static void
canopy_database_init (CanopyDatabase *self)
{
  self->messages = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (NULL, NULL);
  self->by_pgn = g_hash_table_new (NULL, NULL);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->value_tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, value_table_free);
  self->problems = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->problems, NULL);
  self->version = g_strdup ("");
}

static inline gpointer
id_key (guint32  arbitration_id,
        gboolean extended)
{
  return GUINT_TO_POINTER ((arbitration_id & 0x1FFFFFFFu) | (extended ? 0x80000000u : 0));
}

void
_canopy_database_add_message (CanopyDatabase   *db,
                              CanopyMessageDef *message)
{
  g_ptr_array_add (db->messages, g_object_ref (message));
  g_hash_table_insert (db->by_id, id_key (message->arbitration_id, message->is_extended), message);
  if (!g_hash_table_contains (db->by_name, message->name))
    g_hash_table_insert (db->by_name, message->name, message);
  if (message->is_j1939 && message->is_extended)
    {
      guint32 pgn = _canopy_j1939_pgn (message->arbitration_id);

      if (!g_hash_table_contains (db->by_pgn, GUINT_TO_POINTER (pgn)))
        g_hash_table_insert (db->by_pgn, GUINT_TO_POINTER (pgn), message);
    }
}

void
_canopy_database_add_problem (CanopyDatabase *db,
                              guint           line,
                              const char     *what)
{
  db->n_skipped++;
  if (db->problems->len > MAX_PROBLEMS_KEPT)
    return;
  g_ptr_array_index (db->problems, db->problems->len - 1) = g_strdup_printf ("line %u: %s", line, what);
  g_ptr_array_add (db->problems, NULL);
}

void
_canopy_database_set_info (CanopyDatabase *db,
                           const char     *version,
                           GStrv           nodes,
                           const char     *comment,
                           GHashTable     *attributes)
{
  g_free (db->version);
  db->version = g_strdup (version != NULL ? version : "");
  g_strfreev (db->nodes);
  db->nodes = g_strdupv (nodes);
  g_free (db->comment);
  db->comment = g_strdup (comment);
  g_clear_pointer (&db->attributes, g_hash_table_unref);
  db->attributes = g_hash_table_ref (attributes);
}

void
_canopy_database_add_value_table (CanopyDatabase  *db,
                                  const char      *name,
                                  CanopyValueText *texts,
                                  guint            n_texts)
{
  ValueTable *table = g_new (ValueTable, 1);

  table->texts = texts;
  table->n_texts = n_texts;
  g_hash_table_replace (db->value_tables, g_strdup (name), table);
}

/**
 * canopy_database_new_from_data:
 * @data: (array length=len): the text of a DBC file
 * @len: its length in bytes
 * @error: return location for a #GError
 *
 * Parses a DBC text from memory: the entry point for fuzzing, and for
 * files that come from elsewhere than the file system. Damaged sections are
 * skipped and listed by canopy_database_get_problems().
 *
 * Returns: (transfer full): the database, or %NULL with @error set (naming
 *   the line and column) if the text is no DBC at all
 */
CanopyDatabase *
canopy_database_new_from_data (const guint8  *data,
                               gsize          len,
                               GError       **error)
{
  g_autoptr(CanopyDatabase) self = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len > CANOPY_DATABASE_MAX_FILE_SIZE)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "A DBC text of %" G_GSIZE_FORMAT " bytes is larger than the %u bytes Canopy reads",
                   len, CANOPY_DATABASE_MAX_FILE_SIZE);
      return NULL;
    }

  self = g_object_new (CANOPY_TYPE_DATABASE, NULL);
  if (!_canopy_dbc_parse (self, (const char *) (data != NULL ? data : (const guint8 *) ""), len, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * canopy_database_new_from_file:
 * @path: (type filename): a DBC file
 * @error: return location for a #GError
 *
 * Loads a DBC file; see canopy_database_new_from_data().
 *
 * Returns: (transfer full): the database, or %NULL with @error set
 */
CanopyDatabase *
canopy_database_new_from_file (const char  *path,
                               GError     **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  CanopyDatabase *self;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(file = g_mapped_file_new (path, FALSE, error)))
    return NULL;

  self = canopy_database_new_from_data ((const guint8 *) g_mapped_file_get_contents (file),
                                        g_mapped_file_get_length (file), &local_error);
  if (self == NULL)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, local_error->domain, local_error->code, "%s: %s", name, local_error->message);
    }
  return self;
}

/**
 * canopy_database_get_version:
 * @self: a database
 *
 * Returns: the `VERSION` string, "" if none
 */
const char *
canopy_database_get_version (CanopyDatabase *self)
{
  g_return_val_if_fail (CANOPY_IS_DATABASE (self), NULL);
  return self->version;
}

/**
 * canopy_database_get_nodes:
 * @self: a database
 *
 * Returns: (transfer none) (array zero-terminated=1): the nodes of `BU_`
 */
const char * const *
canopy_database_get_nodes (CanopyDatabase *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (CANOPY_IS_DATABASE (self), NULL);
  return self->nodes != NULL ? (const char * const *) self->nodes : none;
}

/**
 * canopy_database_get_comment:
 * @self: a database
 *
 * Returns: (nullable): the network's comment (`CM_ "…";`)
 */
const char *
canopy_database_get_comment (CanopyDatabase *self)
{
  g_return_val_if_fail (CANOPY_IS_DATABASE (self), NULL);
  return self->comment;
}

/**
 * canopy_database_get_attribute:
 * @self: a database
 * @name: the name of a network attribute (`BA_DEF_` without an object
 *   type), such as `BusType`, `ProtocolType` or `DBName`
 *
 * Gets a network attribute (`BA_`, or the default of `BA_DEF_DEF_`);
 * enumeration attributes give their label.
 *
 * Returns: (nullable): the attribute's value as text
 */
const char *
canopy_database_get_attribute (CanopyDatabase *self,
                               const char     *name)
{
  g_return_val_if_fail (CANOPY_IS_DATABASE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return self->attributes != NULL ? g_hash_table_lookup (self->attributes, name) : NULL;
}

/**
 * canopy_database_get_n_messages:
 * @self: a database
 *
 * Returns: how many messages the database defines
 */
guint
canopy_database_get_n_messages (CanopyDatabase *self)
{
  g_return_val_if_fail (CANOPY_IS_DATABASE (self), 0);
  return self->messages->len;
}

/**
 * canopy_database_get_message:
 * @self: a database
 * @index: below canopy_database_get_n_messages()
 *
 * Returns: (transfer none): the message, in the order of the file
 */
CanopyMessageDef *
canopy_database_get_message (CanopyDatabase *self,
                             guint           index)
{
  g_return_val_if_fail (CANOPY_IS_DATABASE (self), NULL);
  g_return_val_if_fail (index < self->messages->len, NULL);
  return g_ptr_array_index (self->messages, index);
}

/**
 * canopy_database_lookup_message:
 * @self: a database
 * @arbitration_id: an identifier
 * @extended: whether it has 29 bits
 *
 * Looks a message up by its exact identifier.
 *
 * Returns: (transfer none) (nullable): the message with that identifier
 */
CanopyMessageDef *
canopy_database_lookup_message (CanopyDatabase *self,
                                guint32         arbitration_id,
                                gboolean        extended)
{
  g_return_val_if_fail (CANOPY_IS_DATABASE (self), NULL);
  return g_hash_table_lookup (self->by_id, id_key (arbitration_id, extended));
}

/**
 * canopy_database_lookup_message_by_name:
 * @self: a database
 * @name: a message name
 *
 * Returns: (transfer none) (nullable): the message called @name
 */
CanopyMessageDef *
canopy_database_lookup_message_by_name (CanopyDatabase *self,
                                        const char     *name)
{
  g_return_val_if_fail (CANOPY_IS_DATABASE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->by_name, name);
}

/**
 * canopy_database_lookup_frame:
 * @self: a database
 * @frame: a received frame
 *
 * Finds the message a frame carries: by its identifier, and for an
 * extended frame of a J1939 parameter group by its PGN, so that any source
 * (and destination) address matches.
 *
 * Returns: (transfer none) (nullable): the message of @frame
 */
CanopyMessageDef *
canopy_database_lookup_frame (CanopyDatabase      *self,
                              const CanopyMessage *frame)
{
  CanopyMessageDef *message;
  gboolean extended;

  g_return_val_if_fail (CANOPY_IS_DATABASE (self), NULL);
  g_return_val_if_fail (frame != NULL, NULL);

  if (frame->flags & CANOPY_MESSAGE_ERROR)
    return NULL;

  extended = (frame->flags & CANOPY_MESSAGE_EXTENDED) != 0;
  message = g_hash_table_lookup (self->by_id, id_key (frame->arbitration_id, extended));
  if (message == NULL && extended && g_hash_table_size (self->by_pgn) > 0)
    message = g_hash_table_lookup (self->by_pgn, GUINT_TO_POINTER (_canopy_j1939_pgn (frame->arbitration_id)));

  return message;
}

/**
 * canopy_database_decode:
 * @self: a database
 * @frame: a frame
 * @error: return location for a #GError
 *
 * Decodes @frame into the values of its signals (see
 * canopy_message_def_decode()).
 *
 * Returns: (transfer container) (element-type CanopySignalValue): the
 *   signal values, or %NULL with @error set when no message of the
 *   database has the frame's identifier
 */
GPtrArray *
canopy_database_decode (CanopyDatabase       *self,
                        const CanopyMessage  *frame,
                        GError              **error)
{
  CanopyMessageDef *message;

  g_return_val_if_fail (CANOPY_IS_DATABASE (self), NULL);
  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((message = canopy_database_lookup_frame (self, frame)) == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "No message of the database has the id 0x%0*X",
                   (frame->flags & CANOPY_MESSAGE_EXTENDED) ? 8 : 3, frame->arbitration_id);
      return NULL;
    }

  return canopy_message_def_decode (message, frame);
}

/**
 * canopy_database_encode:
 * @self: a database
 * @message_name: a message name
 * @names: (array length=n_values): signal names
 * @values: (array length=n_values): their physical values
 * @n_values: how many names and values there are
 * @error: return location for a #GError
 *
 * Encodes signal values into a frame of the message called @message_name;
 * see canopy_message_def_encode().
 *
 * Returns: (transfer full): the frame, or %NULL with @error set
 */
CanopyMessage *
canopy_database_encode (CanopyDatabase      *self,
                        const char          *message_name,
                        const char * const  *names,
                        const double        *values,
                        gsize                n_values,
                        GError             **error)
{
  CanopyMessageDef *message;
  CanopyMessage frame;

  g_return_val_if_fail (CANOPY_IS_DATABASE (self), NULL);
  g_return_val_if_fail (message_name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((message = canopy_database_lookup_message_by_name (self, message_name)) == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "The database has no message %s", message_name);
      return NULL;
    }
  if (!canopy_message_def_encode (message, names, values, n_values, &frame, error))
    return NULL;

  return canopy_message_copy (&frame);
}

/**
 * canopy_database_get_n_skipped:
 * @self: a database
 *
 * Counts the sections the parser skipped because they were damaged or
 * unknown.
 *
 * Returns: how many sections were skipped
 */
guint
canopy_database_get_n_skipped (CanopyDatabase *self)
{
  g_return_val_if_fail (CANOPY_IS_DATABASE (self), 0);
  return self->n_skipped;
}

/**
 * canopy_database_get_problems:
 * @self: a database
 *
 * Lists what the parser skipped and why, as "line N: …" (the first 1000).
 *
 * Returns: (transfer none) (array zero-terminated=1): the problems
 */
const char * const *
canopy_database_get_problems (CanopyDatabase *self)
{
  g_return_val_if_fail (CANOPY_IS_DATABASE (self), NULL);
  return (const char * const *) self->problems->pdata;
}

/**
 * canopy_database_list_value_tables:
 * @self: a database
 *
 * Returns: (transfer full) (array zero-terminated=1): the names of the
 *   value tables (`VAL_TABLE_`)
 */
char **
canopy_database_list_value_tables (CanopyDatabase *self)
{
  g_autofree char **names = NULL;

  g_return_val_if_fail (CANOPY_IS_DATABASE (self), NULL);

  names = (char **) g_hash_table_get_keys_as_array (self->value_tables, NULL);
  return g_strdupv (names);
}

/**
 * canopy_database_lookup_value_table_text:
 * @self: a database
 * @table: a value table's name
 * @raw: a raw value
 *
 * Returns: (nullable): the text the value table @table gives @raw
 */
const char *
canopy_database_lookup_value_table_text (CanopyDatabase *self,
                                         const char     *table,
                                         gint64          raw)
{
  ValueTable *t;

  g_return_val_if_fail (CANOPY_IS_DATABASE (self), NULL);
  g_return_val_if_fail (table != NULL, NULL);

  if ((t = g_hash_table_lookup (self->value_tables, table)) == NULL)
    return NULL;
  for (guint i = 0; i < t->n_texts; i++)
    if (t->texts[i].raw == raw)
      return t->texts[i].text;
  return NULL;
}
