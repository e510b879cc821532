/* canopy-config.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#ifdef G_OS_WIN32
# include <io.h>
#else
# include <unistd.h>
#endif

#include "canopy-config.h"
#include "canopy-error.h"

#include "canopy-config-private.h"

/* python-can's can.rc: defaults set in the process, below explicit options. */
static GMutex defaults_mutex;
static GHashTable *defaults;
static char *system_file_override;

void
_canopy_config_set_system_file (const char *path)
{
  g_mutex_lock (&defaults_mutex);
  g_free (system_file_override);
  system_file_override = g_strdup (path);
  g_mutex_unlock (&defaults_mutex);
}

/**
 * canopy_config_set_default:
 * @key: a configuration key such as `interface`, `channel` or `bitrate`
 * @value: (nullable): its value, or %NULL to remove it
 *
 * Sets an in-process default, python-can's `can.rc[key] = value`: it applies
 * to every bus opened later unless an explicit option overrides it, and
 * it overrides the environment and the configuration files.
 */
void
canopy_config_set_default (const char *key,
                           const char *value)
{
  g_return_if_fail (key != NULL);

  g_mutex_lock (&defaults_mutex);
  if (defaults == NULL)
    defaults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (value != NULL)
    g_hash_table_insert (defaults, g_strdup (key), g_strdup (value));
  else
    g_hash_table_remove (defaults, key);
  g_mutex_unlock (&defaults_mutex);
}

/**
 * canopy_config_clear_defaults:
 *
 * Removes every default set with canopy_config_set_default().
 */
void
canopy_config_clear_defaults (void)
{
  g_mutex_lock (&defaults_mutex);
  g_clear_pointer (&defaults, g_hash_table_unref);
  g_mutex_unlock (&defaults_mutex);
}

static void
strv_builder_add_owned (GStrvBuilder *builder,
                        char         *value)
{
  g_strv_builder_add (builder, value);
  g_free (value);
}

#ifndef G_OS_WIN32
static const char *
home_dir (void)
{
  /* Read HOME each time: g_get_home_dir() caches its first answer. */
  const char *home = g_getenv ("HOME");

  return home != NULL && *home != '\0' ? home : g_get_home_dir ();
}
#endif

/**
 * canopy_config_get_file_paths:
 *
 * The configuration files python-can reads, in the order they are read; a
 * later file overrides an earlier one. On Linux and macOS `/etc/can.conf`,
 * `~/.can` and `~/.canrc`; on Windows `can.ini` in the working folder and
 * `%APPDATA%\can.ini`.
 *
 * Returns: (transfer full) (array zero-terminated=1): the paths
 */
char **
canopy_config_get_file_paths (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

#ifdef G_OS_WIN32
  const char *appdata = g_getenv ("APPDATA");

  {
    g_autofree char *cwd = g_get_current_dir ();
    strv_builder_add_owned (builder, g_build_filename (cwd, "can.ini", NULL));
  }
  if (appdata != NULL)
    strv_builder_add_owned (builder, g_build_filename (appdata, "can.ini", NULL));
#else
  g_mutex_lock (&defaults_mutex);
  g_strv_builder_add (builder, system_file_override ? system_file_override : "/etc/can.conf");
  g_mutex_unlock (&defaults_mutex);
  strv_builder_add_owned (builder, g_build_filename (home_dir (), ".can", NULL));
  strv_builder_add_owned (builder, g_build_filename (home_dir (), ".canrc", NULL));
#endif

  return g_strv_builder_end (builder);
}

static void
insert_missing (GHashTable *config,
                const char *key,
                const char *value)
{
  if (value != NULL && !g_hash_table_contains (config, key))
    g_hash_table_insert (config, g_strdup (key), g_strdup (value));
}

/* GKeyFile reads ConfigParser files once their dialect is translated:
 * `key: value` pairs and `;` comments are ConfigParser's, not GKeyFile's. */
static char *
configparser_to_keyfile (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strchomp (lines[i]);
      const char *start = line;
      char *colon, *equals;

      while (*start == ' ' || *start == '\t')
        start++;

      if (*start == ';')
        line[start - line] = '#';
      else if (*start != '#' && *start != '[' &&
               (colon = strchr (line, ':')) != NULL &&
               ((equals = strchr (line, '=')) == NULL || colon < equals))
        *colon = '=';

      g_string_append (out, line);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

/* python-can's files hold a handful of keys. */
#define MAX_CONFIG_FILE_SIZE (1024 * 1024)

#ifndef O_NONBLOCK
# define O_NONBLOCK 0
#endif
#ifndef O_BINARY
# define O_BINARY 0
#endif

/* Reads a configuration file only if it is a regular file of sane size:
 * a FIFO would block for ever and a link to /dev/zero never end. Opened
 * without blocking, then checked on the descriptor itself, so the file
 * cannot be swapped between the check and the read. */
static char *
read_config_file (const char  *path,
                  GError     **error)
{
  g_autofree char *contents = NULL;
  struct stat st;  /* what fstat() takes, also with MinGW */
  gsize len = 0;
  const char *problem = NULL;
  int fd;

  if ((fd = g_open (path, O_RDONLY | O_NONBLOCK | O_BINARY, 0)) < 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    problem = g_strerror (errno);
  else if (!S_ISREG (st.st_mode))
    problem = S_ISDIR (st.st_mode) ? "a directory, not a regular file"
#ifdef S_ISFIFO
            : S_ISFIFO (st.st_mode) ? "a FIFO, not a regular file"
#endif
            : "a device or other special file, not a regular file";
  else if (st.st_size > MAX_CONFIG_FILE_SIZE)
    problem = "larger than 1 MiB, not a configuration file";

  if (problem == NULL)
    {
      contents = g_malloc (MAX_CONFIG_FILE_SIZE + 2);
      for (;;)
        {
          gssize n = read (fd, contents + len, MAX_CONFIG_FILE_SIZE + 1 - len);

          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            {
              problem = g_strerror (errno);
              break;
            }
          if (n == 0)
            break;
          len += n;
          /* It grew while we read it. */
          if (len > MAX_CONFIG_FILE_SIZE)
            {
              problem = "larger than 1 MiB, not a configuration file";
              break;
            }
        }
    }
  close (fd);

  if (problem != NULL)
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, problem);
      return NULL;
    }

  contents = g_realloc (contents, len + 1);
  contents[len] = '\0';
  return g_steal_pointer (&contents);
}

static gboolean
load_files (GHashTable  *config,
            GError     **error)
{
  g_autoptr(GHashTable) from_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) paths = canopy_config_get_file_paths ();
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GKeyFile) key_file = g_key_file_new ();
      g_autoptr(GError) local_error = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *translated = NULL;
      g_auto(GStrv) keys = NULL;

      if (!g_file_test (paths[i], G_FILE_TEST_EXISTS))
        continue;

      if ((contents = read_config_file (paths[i], &local_error)))
        translated = configparser_to_keyfile (contents);

      if (translated == NULL ||
          !g_key_file_load_from_data (key_file, translated, -1, G_KEY_FILE_NONE, &local_error))
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONFIG,
                       "Cannot read the CAN configuration file %s: %s",
                       paths[i], local_error->message);
          return FALSE;
        }

      if (!(keys = g_key_file_get_keys (key_file, "default", NULL, NULL)))
        continue;

      /* A later file adds to or replaces the values of an earlier one. */
      for (guint j = 0; keys[j] != NULL; j++)
        {
          g_autofree char *text = g_key_file_get_value (key_file, "default", keys[j], NULL);

          if (text != NULL)
            g_hash_table_insert (from_files, g_strdup (keys[j]), g_strdup (g_strstrip (text)));
        }
    }

  g_hash_table_iter_init (&iter, from_files);
  while (g_hash_table_iter_next (&iter, &key, &value))
    insert_missing (config, key, value);

  return TRUE;
}

/**
 * canopy_config_load:
 * @options: (nullable) (element-type utf8 utf8): explicit options, which win
 * @error: return location for a #GError
 *
 * Resolves the configuration the way python-can's `load_config()` does. Each
 * key takes its value from the first of: @options; the in-process defaults
 * (canopy_config_set_default()); the environment variables `CAN_INTERFACE`,
 * `CAN_CHANNEL` and `CAN_BITRATE`; the `[default]` section of the
 * configuration files (canopy_config_get_file_paths()). Every key of the
 * files passes through, so driver options can live there too.
 *
 * Returns: (transfer full) (element-type utf8 utf8): the configuration, or
 *   %NULL with @error set when a configuration file cannot be read
 */
GHashTable *
canopy_config_load (GHashTable  *options,
                    GError     **error)
{
  g_autoptr(GHashTable) config = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  static const struct { const char *key; const char *variable; } environment[] = {
    { "interface", "CAN_INTERFACE" },
    { "channel", "CAN_CHANNEL" },
    { "bitrate", "CAN_BITRATE" },
  };
  GHashTableIter iter;
  gpointer key, value;

  if (options != NULL)
    {
      g_hash_table_iter_init (&iter, options);
      while (g_hash_table_iter_next (&iter, &key, &value))
        insert_missing (config, key, value);
    }

  g_mutex_lock (&defaults_mutex);
  if (defaults != NULL)
    {
      g_hash_table_iter_init (&iter, defaults);
      while (g_hash_table_iter_next (&iter, &key, &value))
        insert_missing (config, key, value);
    }
  g_mutex_unlock (&defaults_mutex);

  for (guint i = 0; i < G_N_ELEMENTS (environment); i++)
    {
      const char *text = g_getenv (environment[i].variable);

      if (text != NULL && *text != '\0')
        insert_missing (config, environment[i].key, text);
    }

  if (!load_files (config, error))
    return NULL;

  return g_steal_pointer (&config);
}
