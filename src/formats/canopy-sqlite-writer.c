/* canopy-sqlite-writer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include "canopy-error.h"
#include "canopy-log-writer-private.h"
#include "canopy-message-private.h"
#include "canopy-sqlite-writer.h"

/**
 * CanopySqliteWriter:
 *
 * Writes frames into the `messages` table of an SQLite database, in
 * python-can's layout (`ts REAL, arbitration_id INTEGER, extended INTEGER,
 * remote INTEGER, error INTEGER, dlc INTEGER, data BLOB`), so python-can's
 * `SqliteReader` and any SQL tool read it. An existing table is appended to.
 *
 * As python-can's `SqliteWriter`, inserts run on a background thread and
 * are committed once no frame arrived for 0.25 s (python-can's
 * `GET_MESSAGE_TIMEOUT`) or at the latest every second (python-can's
 * `MAX_TIME_BETWEEN_WRITES` is 5 s: a killed logger would lose that much),
 * so a saturated bus never waits for the disk. While logging, the database
 * is in WAL mode, so readers see committed frames as logging goes on; on
 * closing it returns to a single file. Unlike python-can 4.1, closing (or
 * stop()) writes every frame queued before it.
 *
 * The queue between the caller and the thread is bounded: when the disk
 * cannot keep up, canopy_log_writer_write() waits instead of growing memory.
 */

#define GET_MESSAGE_TIMEOUT_US     (G_USEC_PER_SEC / 4)
#define MAX_TIME_BETWEEN_WRITES_US G_USEC_PER_SEC
#define QUEUE_SIZE                 (1 << 15)
#define BATCH_SIZE                 1024
/* What a row of the messages table costs in the file, measured: a cell
 * (record header, ts, id, flags, dlc, rowid) and its share of the b-tree,
 * plus the data bytes. canopy_log_writer_get_size() is this times the rows
 * written, on top of the two pages of an empty database: counting rows
 * costs nothing, asking SQLite would cost a query on the writer thread. */
#define ROW_SIZE_ESTIMATE          24
#define EMPTY_DATABASE_SIZE        8192

struct _CanopySqliteWriter
{
  CanopyLogWriter  parent_instance;

  sqlite3         *db;
  sqlite3_stmt    *insert;
  GThread         *thread;
  guint64          size_estimate;

  GMutex           mutex;
  GCond            cond;
  CanopyMessage   *queue;
  guint            head;
  guint            count;
  GError          *thread_error;
  guint            stopping : 1;

  /* Owned by the thread */
  CanopyMessage   *batch;
  guint            in_transaction : 1;
  gint64           last_commit_us;
};

G_DEFINE_FINAL_TYPE (CanopySqliteWriter, canopy_sqlite_writer, CANOPY_TYPE_LOG_WRITER)

static gboolean
sqlite_error (CanopySqliteWriter  *self,
              const char          *what,
              GError             **error)
{
  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
               "%s: %s: %s",
               canopy_log_writer_get_path (CANOPY_LOG_WRITER (self)),
               what, sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec (CanopySqliteWriter  *self,
      const char          *sql,
      GError             **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return sqlite_error (self, sql, error);
  return TRUE;
}

static gboolean
insert (CanopySqliteWriter   *self,
        const CanopyMessage  *msg,
        GError              **error)
{
  sqlite3_stmt *stmt = self->insert;
  gint64 sec = msg->timestamp_ns / 1000000000;
  gint64 frac = msg->timestamp_ns % 1000000000;
  int len = _canopy_message_payload_length (msg);

  sqlite3_bind_double (stmt, 1, (double) sec + frac / 1e9);
  sqlite3_bind_int64 (stmt, 2, msg->arbitration_id);
  sqlite3_bind_int (stmt, 3, !!(msg->flags & CANOPY_MESSAGE_EXTENDED));
  sqlite3_bind_int (stmt, 4, !!(msg->flags & CANOPY_MESSAGE_REMOTE));
  sqlite3_bind_int (stmt, 5, !!(msg->flags & CANOPY_MESSAGE_ERROR));
  sqlite3_bind_int (stmt, 6, msg->dlc);
  sqlite3_bind_blob (stmt, 7, msg->data, len, SQLITE_STATIC);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return sqlite_error (self, "cannot insert a frame", error);
    }

  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
commit (CanopySqliteWriter  *self,
        GError             **error)
{
  if (!self->in_transaction)
    return TRUE;

  self->in_transaction = FALSE;
  self->last_commit_us = g_get_monotonic_time ();

  return exec (self, "COMMIT", error);
}

static gpointer
writer_thread (gpointer data)
{
  CanopySqliteWriter *self = data;
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&self->mutex);

  for (;;)
    {
      guint n;

      if (self->count == 0 && !self->stopping)
        g_cond_wait_until (&self->cond, &self->mutex,
                           g_get_monotonic_time () + GET_MESSAGE_TIMEOUT_US);

      if (self->count == 0)
        {
          /* Quiet for GET_MESSAGE_TIMEOUT (or closing): make it durable. */
          g_mutex_unlock (&self->mutex);
          commit (self, &error);
          g_mutex_lock (&self->mutex);

          if (error != NULL || self->stopping)
            break;
          continue;
        }

      n = MIN (self->count, BATCH_SIZE);
      for (guint i = 0; i < n; i++)
        self->batch[i] = self->queue[(self->head + i) % QUEUE_SIZE];
      self->head = (self->head + n) % QUEUE_SIZE;
      self->count -= n;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->mutex);

      if (!self->in_transaction)
        {
          if (!exec (self, "BEGIN", &error))
            {
              g_mutex_lock (&self->mutex);
              break;
            }
          self->in_transaction = TRUE;
        }

      for (guint i = 0; i < n && error == NULL; i++)
        insert (self, &self->batch[i], &error);

      /* A saturated bus still gets a commit every MAX_TIME_BETWEEN_WRITES. */
      if (error == NULL &&
          g_get_monotonic_time () - self->last_commit_us > MAX_TIME_BETWEEN_WRITES_US)
        commit (self, &error);

      g_mutex_lock (&self->mutex);
      if (error != NULL)
        break;
    }

  if (error != NULL)
    {
      if (self->thread_error == NULL)
        self->thread_error = g_steal_pointer (&error);
      /* Unblock writers waiting for room; they will see the error. */
      self->count = 0;
      g_cond_broadcast (&self->cond);
    }

  g_mutex_unlock (&self->mutex);

  return NULL;
}

static gboolean
canopy_sqlite_writer_write (CanopyLogWriter      *writer,
                            const CanopyMessage  *msg,
                            GError              **error)
{
  CanopySqliteWriter *self = CANOPY_SQLITE_WRITER (writer);
  gboolean ret = TRUE;

  g_mutex_lock (&self->mutex);

  while (self->count == QUEUE_SIZE && self->thread_error == NULL)
    g_cond_wait (&self->cond, &self->mutex);

  if (self->thread_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->thread_error));
      ret = FALSE;
    }
  else
    {
      self->queue[(self->head + self->count) % QUEUE_SIZE] = *msg;
      self->size_estimate += ROW_SIZE_ESTIMATE +
        _canopy_message_payload_length (msg);
      if (self->count++ == 0)
        g_cond_broadcast (&self->cond);
    }

  g_mutex_unlock (&self->mutex);

  return ret;
}

static guint64
canopy_sqlite_writer_get_size (CanopyLogWriter *writer)
{
  CanopySqliteWriter *self = CANOPY_SQLITE_WRITER (writer);
  guint64 size;

  g_mutex_lock (&self->mutex);
  size = EMPTY_DATABASE_SIZE + self->size_estimate;
  g_mutex_unlock (&self->mutex);

  return size;
}

static gboolean
canopy_sqlite_writer_close (CanopyLogWriter  *writer,
                            GError          **error)
{
  CanopySqliteWriter *self = CANOPY_SQLITE_WRITER (writer);
  gboolean ret = TRUE;

  if (self->thread != NULL)
    {
      g_mutex_lock (&self->mutex);
      self->stopping = TRUE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->mutex);

      g_thread_join (g_steal_pointer (&self->thread));

      if (self->thread_error != NULL)
        {
          g_propagate_error (error, g_error_copy (self->thread_error));
          ret = FALSE;
        }
    }

  g_clear_pointer (&self->insert, sqlite3_finalize);

  /* Logging is over: back to a single-file database, so that readers do
   * not leave -wal and -shm files beside it (python-can's layout). */
  if (self->db != NULL)
    sqlite3_exec (self->db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);

  if (self->db != NULL)
    {
      if (sqlite3_close (self->db) != SQLITE_OK && ret)
        ret = sqlite_error (self, "cannot close the database", error);
      self->db = NULL;
    }

  return ret;
}

static void
canopy_sqlite_writer_finalize (GObject *object)
{
  CanopySqliteWriter *self = CANOPY_SQLITE_WRITER (object);

  g_clear_pointer (&self->insert, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->queue, g_free);
  g_clear_pointer (&self->batch, g_free);
  g_clear_error (&self->thread_error);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (canopy_sqlite_writer_parent_class)->finalize (object);
}

static void
canopy_sqlite_writer_class_init (CanopySqliteWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyLogWriterClass *writer_class = CANOPY_LOG_WRITER_CLASS (klass);

  object_class->finalize = canopy_sqlite_writer_finalize;
  writer_class->write = canopy_sqlite_writer_write;
  writer_class->close = canopy_sqlite_writer_close;
  writer_class->get_size = canopy_sqlite_writer_get_size;
}

static void
canopy_sqlite_writer_init (CanopySqliteWriter *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
}

/**
 * canopy_sqlite_writer_new:
 * @path: (type filename): the database file; created if missing, appended
 *   to otherwise
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a new writer, or %NULL if the database cannot
 *   be opened or has an incompatible `messages` table
 */
CanopySqliteWriter *
canopy_sqlite_writer_new (const char  *path,
                          GError     **error)
{
  g_autoptr(CanopySqliteWriter) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CANOPY_TYPE_SQLITE_WRITER, "path", path, NULL);

  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Cannot open %s: %s", path,
                   self->db ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }

  /* WAL: readers see committed frames while logging goes on; NORMAL
   * synchronisation is durable across application crashes in WAL mode. */
  if (!exec (self, "PRAGMA journal_mode=WAL", error) ||
      !exec (self, "PRAGMA synchronous=NORMAL", error) ||
      !exec (self,
             "CREATE TABLE IF NOT EXISTS messages ("
             " ts REAL,"
             " arbitration_id INTEGER,"
             " extended INTEGER,"
             " remote INTEGER,"
             " error INTEGER,"
             " dlc INTEGER,"
             " data BLOB)",
             error))
    return NULL;

  if (sqlite3_prepare_v2 (self->db,
                          "INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?)",
                          -1, &self->insert, NULL) != SQLITE_OK)
    {
      sqlite_error (self, "the messages table does not have python-can's layout", error);
      return NULL;
    }

  self->queue = g_new (CanopyMessage, QUEUE_SIZE);
  self->batch = g_new (CanopyMessage, BATCH_SIZE);
  self->last_commit_us = g_get_monotonic_time ();
  self->thread = g_thread_new ("canopy-sqlite", writer_thread, self);

  return g_steal_pointer (&self);
}
