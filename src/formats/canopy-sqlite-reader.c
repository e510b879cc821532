/* canopy-sqlite-reader.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "canopy-error.h"
#include "canopy-log-reader-private.h"
#include "canopy-sqlite-reader.h"
#include "canopy-time-private.h"

/**
 * CanopySqliteReader:
 *
 * Reads the `messages` table written by python-can's `SqliteWriter` (and by
 * #CanopySqliteWriter), row by row: memory stays constant whatever the size
 * of the database. The layout has no channel, direction or CAN FD flags;
 * a payload longer than 8 bytes is read as a CAN FD frame.
 *
 * A database is untrusted input: only a real table (not a view, not a
 * virtual table) with python-can's columns is read, values are bounded,
 * schema code cannot call functions, and a progress handler stops a row
 * that takes unreasonable work or a read that canopy_log_reader_set_cancellable()
 * cancelled.
 */

/* SQLite's virtual machine calls the progress handler every this many
 * instructions; a plain row of a plain table takes a few hundred. */
#define PROGRESS_PERIOD       1000
/* Ten million instructions for one row: not a table of frames. */
#define MAX_PERIODS_PER_ROW   10000
/* No value we read is anywhere near this (a frame has 64 data bytes). */
#define MAX_VALUE_LENGTH      4096

static const char *const expected_columns[] = {
  "ts", "arbitration_id", "extended", "remote", "error", "dlc", "data",
};

struct _CanopySqliteReader
{
  CanopyLogReader  parent_instance;
  sqlite3         *db;
  sqlite3_stmt    *select;
  guint64          row;
  gint64           last_rowid;
  guint64          max_rowid;
  guint64          file_size;
  guint            periods;
  guint            too_slow : 1;
};

/* Payloads over 64 bytes are not loaded (a crafted database could hold
 * gigabytes in one blob): column 6 is NULL then and column 7 says why. */
#define SELECT_MESSAGES \
  "SELECT ts, arbitration_id, extended, remote, error, dlc, " \
  "CASE WHEN length(data) <= 64 THEN data END, length(data), rowid FROM messages"

G_DEFINE_FINAL_TYPE (CanopySqliteReader, canopy_sqlite_reader, CANOPY_TYPE_LOG_READER)

/* Fills @msg from the current row. FALSE with @why when the row is not a
 * frame we can represent: it is skipped and counted, not fatal. */
static gboolean
row_to_message (sqlite3_stmt   *stmt,
                CanopyMessage  *msg,
                const char    **why)
{
  gint64 id;
  int len;

  memset (msg, 0, G_STRUCT_OFFSET (CanopyMessage, data));
  msg->channel = CANOPY_CHANNEL_NONE;

  if (!_canopy_time_from_double (sqlite3_column_double (stmt, 0), &msg->timestamp_ns))
    {
      *why = "timestamp out of range";
      return FALSE;
    }

  id = sqlite3_column_int64 (stmt, 1);
  if (id < 0 || id > 0x1FFFFFFF)
    {
      *why = "identifier out of range";
      return FALSE;
    }
  msg->arbitration_id = id;

  if (sqlite3_column_int (stmt, 2) || id > 0x7FF)
    msg->flags |= CANOPY_MESSAGE_EXTENDED;
  if (sqlite3_column_int (stmt, 4))
    msg->flags |= CANOPY_MESSAGE_ERROR;

  /* Column 7 is length(data): the blob itself (column 6) is only loaded
   * when it fits a frame. */
  len = sqlite3_column_type (stmt, 6) == SQLITE_NULL ? sqlite3_column_int (stmt, 7)
                                                     : sqlite3_column_bytes (stmt, 6);
  if (len > CANOPY_MESSAGE_MAX_DATA)
    {
      *why = "more data bytes than a CAN FD frame holds";
      return FALSE;
    }
  if (len > 0)
    memcpy (msg->data, sqlite3_column_blob (stmt, 6), len);

  if (sqlite3_column_int (stmt, 3))
    {
      msg->flags |= CANOPY_MESSAGE_REMOTE;
      msg->dlc = CLAMP (sqlite3_column_int (stmt, 5), 0, 8);
    }
  else
    {
      msg->dlc = len;
      if (len > 8)
        msg->flags |= CANOPY_MESSAGE_FD;
    }

  return TRUE;
}

static gboolean
canopy_sqlite_reader_next (CanopyLogReader  *reader,
                           CanopyMessage    *msg,
                           GError          **error)
{
  CanopySqliteReader *self = CANOPY_SQLITE_READER (reader);

  for (;;)
    {
      const char *why = NULL;
      int rc;

      self->periods = 0;
      rc = sqlite3_step (self->select);

      if (rc == SQLITE_DONE)
        {
          _canopy_log_reader_set_progress (reader, self->file_size, self->file_size);
          return FALSE;
        }
      if (rc == SQLITE_INTERRUPT && !self->too_slow)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                       "%s: reading was cancelled", canopy_log_reader_get_path (reader));
          return FALSE;
        }
      if (rc == SQLITE_INTERRUPT)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                       "%s: row %" G_GUINT64_FORMAT ": more work than a table row takes; not a message table",
                       canopy_log_reader_get_path (reader), self->row + 1);
          return FALSE;
        }
      if (rc != SQLITE_ROW)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                       "%s: row %" G_GUINT64_FORMAT ": %s",
                       canopy_log_reader_get_path (reader), self->row + 1,
                       sqlite3_errmsg (self->db));
          return FALSE;
        }
      self->row++;
      self->last_rowid = sqlite3_column_int64 (self->select, 8);

      if (self->max_rowid > 0 && (self->row & 1023) == 0)
        _canopy_log_reader_set_progress (reader,
                                         (guint64) ((double) self->file_size * MIN (self->row, self->max_rowid) / self->max_rowid),
                                         self->file_size);

      if (row_to_message (self->select, msg, &why))
        return TRUE;

      _canopy_log_reader_skip (reader, "row %" G_GUINT64_FORMAT ": %s", self->row, why);
    }
}

static void
canopy_sqlite_reader_finalize (GObject *object)
{
  CanopySqliteReader *self = CANOPY_SQLITE_READER (object);

  g_clear_pointer (&self->select, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);

  G_OBJECT_CLASS (canopy_sqlite_reader_parent_class)->finalize (object);
}

/* Random access (the log document): rows come in rowid order, so the next
 * one is the first with a rowid above the last read. */
static gboolean
canopy_sqlite_reader_save_checkpoint (CanopyLogReader           *reader,
                                      CanopyLogReaderCheckpoint *checkpoint)
{
  CanopySqliteReader *self = CANOPY_SQLITE_READER (reader);

  checkpoint->offset = self->row == 0 ? 0 : (guint64) (self->last_rowid + 1);
  checkpoint->line = self->row;
  return TRUE;
}

static gboolean
canopy_sqlite_reader_restore_checkpoint (CanopyLogReader                  *reader,
                                         const CanopyLogReaderCheckpoint  *checkpoint,
                                         GError                          **error)
{
  CanopySqliteReader *self = CANOPY_SQLITE_READER (reader);
  sqlite3_stmt *stmt = NULL;

  /* The first row may have any rowid, even a negative one. */
  if (checkpoint->line == 0
      ? sqlite3_prepare_v2 (self->db, SELECT_MESSAGES " ORDER BY rowid", -1, &stmt, NULL) != SQLITE_OK
      : (sqlite3_prepare_v2 (self->db, SELECT_MESSAGES " WHERE rowid >= ? ORDER BY rowid",
                             -1, &stmt, NULL) != SQLITE_OK ||
         sqlite3_bind_int64 (stmt, 1, (gint64) checkpoint->offset) != SQLITE_OK))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "%s: cannot go to row %" G_GUINT64_FORMAT ": %s",
                   canopy_log_reader_get_path (reader), checkpoint->line + 1,
                   sqlite3_errmsg (self->db));
      sqlite3_finalize (stmt);
      return FALSE;
    }

  sqlite3_finalize (self->select);
  self->select = stmt;
  self->row = checkpoint->line;
  return TRUE;
}

static void
canopy_sqlite_reader_class_init (CanopySqliteReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyLogReaderClass *reader_class = CANOPY_LOG_READER_CLASS (klass);

  object_class->finalize = canopy_sqlite_reader_finalize;
  reader_class->next = canopy_sqlite_reader_next;
  reader_class->save_checkpoint = canopy_sqlite_reader_save_checkpoint;
  reader_class->restore_checkpoint = canopy_sqlite_reader_restore_checkpoint;
}

static void
canopy_sqlite_reader_init (CanopySqliteReader *self)
{
}

/* Returns non-zero to interrupt the running statement. */
static int
progress_handler (void *data)
{
  CanopySqliteReader *self = data;
  GCancellable *cancellable = canopy_log_reader_get_cancellable (CANOPY_LOG_READER (self));

  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    return 1;
  if (++self->periods > MAX_PERIODS_PER_ROW)
    {
      self->too_slow = TRUE;
      return 1;
    }
  return 0;
}

/* The `messages` table must be an ordinary table with python-can's
 * columns: a view can run any query (recursive, huge results) and a
 * virtual table any module. */
static gboolean
check_schema (CanopySqliteReader  *self,
              const char          *path,
              GError             **error)
{
  sqlite3_stmt *stmt = NULL;
  const char *problem = NULL;
  guint found = 0;
  int rc;

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT type, sql FROM sqlite_master WHERE name = 'messages' COLLATE NOCASE",
                          -1, &stmt, NULL) != SQLITE_OK)
    problem = sqlite3_errmsg (self->db);
  else if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    problem = rc == SQLITE_DONE ? "no messages table" : sqlite3_errmsg (self->db);
  else if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "table") != 0)
    problem = "messages is a view, not a table";
  else if (g_ascii_strncasecmp ((const char *) sqlite3_column_text (stmt, 1) ?: "", "CREATE VIRTUAL", 14) == 0)
    problem = "messages is a virtual table";
  sqlite3_finalize (stmt);

  if (problem == NULL)
    {
      if (sqlite3_prepare_v2 (self->db, "PRAGMA table_info(messages)", -1, &stmt, NULL) != SQLITE_OK)
        problem = sqlite3_errmsg (self->db);
      else
        while (sqlite3_step (stmt) == SQLITE_ROW)
          {
            const char *name = (const char *) sqlite3_column_text (stmt, 1);

            for (guint i = 0; i < G_N_ELEMENTS (expected_columns); i++)
              if (name != NULL && g_ascii_strcasecmp (name, expected_columns[i]) == 0)
                found |= 1u << i;
          }
      sqlite3_finalize (stmt);
      if (problem == NULL && found != (1u << G_N_ELEMENTS (expected_columns)) - 1)
        problem = "the messages table lacks python-can's columns";
    }

  if (problem != NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                   "%s: not a python-can message database: %s", path, problem);
      return FALSE;
    }

  return TRUE;
}

/**
 * canopy_sqlite_reader_new:
 * @path: (type filename): an SQLite database with a `messages` table
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a new reader, or %NULL if @path is not such a
 *   database
 */
CanopySqliteReader *
canopy_sqlite_reader_new (const char  *path,
                          GError     **error)
{
  g_autoptr(CanopySqliteReader) self = NULL;
  sqlite3_stmt *stmt = NULL;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CANOPY_TYPE_SQLITE_READER, "path", path, NULL);

  /* sqlite would create a missing file even read-only in some builds. */
  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Cannot open %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  self->file_size = st.st_size;

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Cannot open %s: %s", path,
                   self->db ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }

  /* Untrusted file: no functions called from schema code, no writes
   * through the schema, bounded values. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_limit (self->db, SQLITE_LIMIT_LENGTH, MAX_VALUE_LENGTH);
  sqlite3_progress_handler (self->db, PROGRESS_PERIOD, progress_handler, self);

  if (!check_schema (self, path, error))
    return NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT max(rowid) FROM messages", -1, &stmt, NULL) == SQLITE_OK)
    {
      if (sqlite3_step (stmt) == SQLITE_ROW)
        self->max_rowid = MAX (sqlite3_column_int64 (stmt, 0), 0);
      sqlite3_finalize (stmt);
    }

  if (sqlite3_prepare_v2 (self->db,
                          SELECT_MESSAGES " ORDER BY rowid",
                          -1, &self->select, NULL) != SQLITE_OK)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                   "%s: not a python-can message database: %s",
                   path, sqlite3_errmsg (self->db));
      return NULL;
    }

  _canopy_log_reader_set_progress (CANOPY_LOG_READER (self), 0, self->file_size);

  return g_steal_pointer (&self);
}
