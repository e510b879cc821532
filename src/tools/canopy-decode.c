/* canopy-decode.c — decode the signals of a CAN log with a DBC file, as CSV
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "canopy-tool-common.h"

#ifdef G_OS_WIN32
# include <io.h>
# define isatty _isatty
#else
# include <unistd.h>
#endif

#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 10)
#define OUT_BUFFER_SIZE      (256 * 1024)
/* Room for one row: a few numbers and the (escaped) names. */
#define ROW_RESERVE          4096

/* Output through one large buffer: fwrite() per field would dominate. */
typedef struct
{
  FILE  *file;
  char  *buf;
  gsize  len;
  gsize  size;
  int    errno_value;
} Output;

static void
output_flush (Output *out)
{
  if (out->len > 0 && fwrite (out->buf, 1, out->len, out->file) != out->len && out->errno_value == 0)
    out->errno_value = errno ? errno : EIO;
  out->len = 0;
}

static inline char *
output_reserve (Output *out,
                gsize   n)
{
  if (out->len + n > out->size)
    {
      output_flush (out);
      if (n > out->size)
        {
          out->size = n;
          out->buf = g_realloc (out->buf, n);
        }
    }
  return out->buf + out->len;
}

static inline void
output_append (Output     *out,
               const char *text,
               gsize       len)
{
  memcpy (output_reserve (out, len), text, len);
  out->len += len;
}

/* A CSV field, quoted when it must be. */
static char *
csv_field (const char *text)
{
  GString *s;

  if (strpbrk (text, ",\"\r\n") == NULL)
    return g_strdup (text);

  s = g_string_new ("\"");
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

/* Seconds with microseconds, as python-can prints them. */
static gsize
format_time (char   *buf,
             gint64  ns)
{
  gboolean negative = ns < 0;
  guint64 us = (guint64) ((negative ? -ns : ns) + 500) / 1000;
  char tmp[32];
  char *end = tmp + sizeof tmp, *p = end;
  guint64 fraction = us % 1000000, seconds = us / 1000000;

  for (int i = 0; i < 6; i++)
    {
      *--p = (char) ('0' + fraction % 10);
      fraction /= 10;
    }
  *--p = '.';
  do
    {
      *--p = (char) ('0' + seconds % 10);
      seconds /= 10;
    }
  while (seconds > 0);
  if (negative)
    *--p = '-';
  memcpy (buf, p, end - p);
  return end - p;
}

/* A signal's CSV fields "name,unit", escaped, and where the comma is. */
typedef struct
{
  char  *text;
  gsize  name_len;
  gsize  text_len;
} SignalText;

/* Per message: its escaped name, its signals' fields by signal index, and
 * for --wide its first column. */
typedef struct
{
  char       *name;
  gsize       name_len;
  guint       first_column;
  guint       n_signals;
  SignalText *signals;
} MessageInfo;

typedef struct
{
  CanopyDatabase    *db;
  GHashTable        *messages;     /* CanopyMessageDef → MessageInfo */
  guint              n_columns;
  CanopySignalValue *values;
  guint              max_signals;
  char             **cells;        /* --wide: one row's cells, by signal index */
  gsize             *cell_lens;
} Decoder;

/* Identifier → message, direct-mapped. */
#define ID_CACHE_SIZE 4096

typedef struct
{
  guint32           key;
  CanopyMessageDef *def;
  MessageInfo      *info;
} IdCache;

static void
message_info_free (gpointer data)
{
  MessageInfo *info = data;

  for (guint i = 0; i < info->n_signals; i++)
    g_free (info->signals[i].text);
  g_free (info->signals);
  g_free (info->name);
  g_free (info);
}

static void
decoder_init (Decoder        *decoder,
              CanopyDatabase *db)
{
  decoder->db = db;
  decoder->messages = g_hash_table_new_full (NULL, NULL, NULL, message_info_free);

  for (guint m = 0; m < canopy_database_get_n_messages (db); m++)
    {
      CanopyMessageDef *def = canopy_database_get_message (db, m);
      MessageInfo *info = g_new0 (MessageInfo, 1);
      guint n = canopy_message_def_get_n_signals (def);

      info->name = csv_field (canopy_message_def_get_name (def));
      info->name_len = strlen (info->name);
      info->first_column = decoder->n_columns;
      info->n_signals = n;
      info->signals = g_new0 (SignalText, MAX (n, 1));
      decoder->n_columns += n;
      decoder->max_signals = MAX (decoder->max_signals, n);
      g_hash_table_insert (decoder->messages, def, info);

      for (guint s = 0; s < n; s++)
        {
          CanopySignalDef *signal = canopy_message_def_get_signal (def, s);
          g_autofree char *name = csv_field (canopy_signal_def_get_name (signal));
          g_autofree char *unit = csv_field (canopy_signal_def_get_unit (signal));

          info->signals[s].text = g_strconcat (name, ",", unit, NULL);
          info->signals[s].name_len = strlen (name);
          info->signals[s].text_len = strlen (info->signals[s].text);
        }
    }

  decoder->values = g_new (CanopySignalValue, MAX (decoder->max_signals, 1));
  decoder->cells = g_new0 (char *, MAX (decoder->max_signals, 1));
  decoder->cell_lens = g_new0 (gsize, MAX (decoder->max_signals, 1));
  for (guint i = 0; i < decoder->max_signals; i++)
    decoder->cells[i] = g_malloc (32);
}

static void
decoder_clear (Decoder *decoder)
{
  for (guint i = 0; i < decoder->max_signals; i++)
    g_free (decoder->cells[i]);
  g_free (decoder->cells);
  g_free (decoder->cell_lens);
  g_free (decoder->values);
  g_hash_table_unref (decoder->messages);
}

static void
write_header (Decoder *decoder,
              Output  *out,
              gboolean wide)
{
  if (!wide)
    {
      static const char header[] = "time,message,signal,value,unit\n";

      output_append (out, header, sizeof header - 1);
      return;
    }

  output_append (out, "time,message", 12);
  for (guint m = 0; m < canopy_database_get_n_messages (decoder->db); m++)
    {
      CanopyMessageDef *def = canopy_database_get_message (decoder->db, m);

      for (guint s = 0; s < canopy_message_def_get_n_signals (def); s++)
        {
          g_autofree char *column = g_strconcat (canopy_message_def_get_name (def), ".",
                                                 canopy_signal_def_get_name (canopy_message_def_get_signal (def, s)),
                                                 NULL);
          g_autofree char *field = csv_field (column);

          output_append (out, ",", 1);
          output_append (out, field, strlen (field));
        }
    }
  output_append (out, "\n", 1);
}

/* One frame: its rows (long format) or its row (wide). Returns the number
 * of signal values written. */
static guint
decode_frame (Decoder             *decoder,
              Output              *out,
              CanopyMessageDef    *def,
              MessageInfo         *info,
              const CanopyMessage *frame,
              gboolean             wide)
{
  char time_text[32];
  gsize time_len = format_time (time_text, frame->timestamp_ns);
  guint n = canopy_message_def_decode_values (def, frame, decoder->values, decoder->max_signals);

  if (!wide)
    {
      for (guint i = 0; i < n; i++)
        {
          const CanopySignalValue *v = &decoder->values[i];
          const SignalText *st = &info->signals[canopy_signal_def_get_index (v->signal)];
          gsize text_len = st->text_len;
          char *p = output_reserve (out, time_len + info->name_len + text_len + 40);
          char *start = p;
          const char *text = st->text;
          gsize name_len = st->name_len;
          const char *comma = text + name_len;

          /* time,message,signal,value,unit */
          memcpy (p, time_text, time_len), p += time_len;
          *p++ = ',';
          memcpy (p, info->name, info->name_len), p += info->name_len;
          *p++ = ',';
          memcpy (p, text, name_len + 1), p += name_len + 1;
          p += canopy_signal_value_format (v, p, 32);
          memcpy (p, comma, text_len - name_len), p += text_len - name_len;
          *p++ = '\n';
          out->len += p - start;
        }
      return n;
    }

  {
    guint n_signals = canopy_message_def_get_n_signals (def);
    gsize row = time_len + info->name_len + 2 + decoder->n_columns;
    char *p, *start;

    for (guint s = 0; s < n_signals; s++)
      decoder->cell_lens[s] = 0;
    for (guint i = 0; i < n; i++)
      {
        guint s = canopy_signal_def_get_index (decoder->values[i].signal);

        decoder->cell_lens[s] = canopy_signal_value_format (&decoder->values[i], decoder->cells[s], 32);
        row += decoder->cell_lens[s];
      }

    p = start = output_reserve (out, row);
    memcpy (p, time_text, time_len), p += time_len;
    *p++ = ',';
    memcpy (p, info->name, info->name_len), p += info->name_len;
    memset (p, ',', info->first_column), p += info->first_column;
    for (guint s = 0; s < n_signals; s++)
      {
        *p++ = ',';
        memcpy (p, decoder->cells[s], decoder->cell_lens[s]), p += decoder->cell_lens[s];
      }
    memset (p, ',', decoder->n_columns - info->first_column - n_signals);
    p += decoder->n_columns - info->first_column - n_signals;
    *p++ = '\n';
    out->len += p - start;
  }
  return n;
}

static void
show_progress (CanopyLogReader *reader,
               guint64          frames,
               guint64          values,
               gboolean         done)
{
  g_printerr ("\r%5.1f%%  %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT " signal values%s",
              100.0 * canopy_log_reader_get_fraction (reader), frames, values, done ? "\n" : "");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogReader) reader = NULL;
  g_autoptr(CanopyDatabase) db = NULL;
  g_auto(GStrv) files = NULL;
  g_autofree char *output_path = NULL;
  gboolean wide = FALSE;
  gboolean quiet = FALSE;
  gboolean progress;
  Decoder decoder = { 0 };
  Output out = { 0 };
  CanopyMessage frame;
  g_autofree IdCache *cache = g_new (IdCache, ID_CACHE_SIZE);
  guint64 n_frames = 0, n_decoded = 0, n_values = 0;
  gint64 started, last_progress = 0;
  GOptionEntry entries[] = {
    { "wide", 'w', 0, G_OPTION_ARG_NONE, &wide,
      "One row per frame and one column per signal (Message.Signal) instead of one row per signal value", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_path,
      "Write the CSV to FILE instead of standard output", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
      "No progress display and no summary", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "LOG DBC" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = canopy_tool_option_context_new ("Decode the signals of a CAN log (any format canopy-convert reads) "
                                            "with a DBC file, as CSV: time,message,signal,value,unit.",
                                            NULL, entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return canopy_tool_fail ("canopy-decode", error, 2);
  if (files == NULL || g_strv_length (files) != 2)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "Give a log file and a DBC file: canopy-decode LOG DBC");
      return canopy_tool_fail ("canopy-decode", error, 2);
    }

  if (!(db = canopy_database_new_from_file (files[1], &error)))
    return canopy_tool_fail ("canopy-decode", error, 1);
  if (!quiet && canopy_database_get_n_skipped (db) > 0)
    {
      const char * const *problems = canopy_database_get_problems (db);

      g_printerr ("canopy-decode: %s: skipped %u damaged sections:\n", files[1], canopy_database_get_n_skipped (db));
      for (guint i = 0; problems[i] != NULL && i < 10; i++)
        g_printerr ("  %s\n", problems[i]);
    }

  if (!(reader = canopy_log_reader_new_for_file (files[0], &error)))
    return canopy_tool_fail ("canopy-decode", error, 1);

  out.file = stdout;
  if (output_path != NULL && !(out.file = fopen (output_path, "wb")))
    {
      int saved = errno;

      g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot write %s: %s", output_path, g_strerror (saved));
      return canopy_tool_fail ("canopy-decode", error, 1);
    }
  out.size = OUT_BUFFER_SIZE;
  out.buf = g_malloc (out.size);

  for (guint i = 0; i < ID_CACHE_SIZE; i++)
    cache[i].key = G_MAXUINT32;   /* no frame has this key: error frames are skipped */
  decoder_init (&decoder, db);
  write_header (&decoder, &out, wide);

  progress = !quiet && isatty (fileno (stderr));
  started = g_get_monotonic_time ();

  while (canopy_log_reader_next (reader, &frame, &error))
    {
      guint32 key = frame.arbitration_id | ((frame.flags & CANOPY_MESSAGE_EXTENDED) ? 0x80000000u : 0);
      IdCache *slot = &cache[(key ^ (key >> 10) ^ (key >> 20)) & (ID_CACHE_SIZE - 1)];

      n_frames++;
      if (frame.flags & (CANOPY_MESSAGE_ERROR | CANOPY_MESSAGE_REMOTE))
        continue;
      /* A log has few ids, each many times: look each up once. */
      if (slot->key != key)
        {
          slot->key = key;
          slot->def = canopy_database_lookup_frame (db, &frame);
          slot->info = slot->def ? g_hash_table_lookup (decoder.messages, slot->def) : NULL;
        }
      if (slot->def == NULL)
        continue;

      n_decoded++;
      n_values += decode_frame (&decoder, &out, slot->def, slot->info, &frame, wide);

      if (progress && (n_frames & 0xffff) == 0)
        {
          gint64 now = g_get_monotonic_time ();

          if (now - last_progress >= PROGRESS_INTERVAL_US)
            {
              last_progress = now;
              show_progress (reader, n_frames, n_values, FALSE);
            }
        }
    }

  output_flush (&out);
  if (out.file != stdout ? fclose (out.file) != 0 : fflush (stdout) != 0)
    out.errno_value = out.errno_value ? out.errno_value : errno;
  g_free (out.buf);
  decoder_clear (&decoder);

  if (progress)
    show_progress (reader, n_frames, n_values, TRUE);
  if (!quiet)
    {
      double seconds = (g_get_monotonic_time () - started) / 1e6;

      g_printerr ("canopy-decode: %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT " of them in the database, "
                  "%" G_GUINT64_FORMAT " signal values in %.3f s (%.0f frames/s)\n",
                  n_frames, n_decoded, n_values, seconds, seconds > 0 ? n_frames / seconds : 0);
    }

  if (out.errno_value != 0)
    {
      g_clear_error (&error);
      g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (out.errno_value),
                   "Writing the CSV failed: %s", g_strerror (out.errno_value));
      return canopy_tool_fail ("canopy-decode", error, 1);
    }
  /* A damaged log: every intact frame before the damage was decoded. */
  if (error != NULL)
    return canopy_tool_fail ("canopy-decode", error, 1);

  return 0;
}
