/* canopy-vendor-library.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"

#include "canopy-vendor-library-private.h"

static gboolean
resolve_symbols (GModule                  *module,
                 const char               *interface,
                 const char               *file_name,
                 const CanopyVendorSymbol *symbols,
                 guint                     n_symbols,
                 GError                  **error)
{
  for (guint i = 0; i < n_symbols; i++)
    {
      *symbols[i].address = NULL;
      if (!g_module_symbol (module, symbols[i].name, symbols[i].address) && !symbols[i].optional)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE,
                       "Interface %s: the vendor library %s has no function %s (too old?)",
                       interface, file_name, symbols[i].name);
          return FALSE;
        }
    }
  return TRUE;
}

GModule *
_canopy_vendor_library_open (const char                *interface,
                             const char                *explicit_path,
                             const char                *env_variable,
                             const char * const        *file_names,
                             const CanopyVendorSymbol  *symbols,
                             guint                      n_symbols,
                             GError                   **error)
{
  g_autoptr(GString) tried = g_string_new (NULL);
  g_autofree char *last_error = NULL;
  const char *override = explicit_path;
  const char * const *names = file_names;
  const char *one[2] = { NULL, NULL };

  if (override == NULL && env_variable != NULL)
    override = g_getenv (env_variable);
  if (override != NULL && *override != '\0')
    {
      one[0] = override;
      names = one;
    }

  for (guint i = 0; names[i] != NULL; i++)
    {
      GModule *module;

      if (tried->len > 0)
        g_string_append (tried, ", ");
      g_string_append (tried, names[i]);

      /* Lazy binding: a symbol the driver does not use may be missing. */
      module = g_module_open (names[i], G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
      if (module == NULL)
        {
          g_free (last_error);
          last_error = g_strdup (g_module_error ());
          continue;
        }

      if (!resolve_symbols (module, interface, names[i], symbols, n_symbols, error))
        {
          g_module_close (module);
          return NULL;
        }

      /* Never unloaded: vendor libraries start threads of their own. */
      g_module_make_resident (module);
      return module;
    }

  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE,
               "Interface %s needs the vendor library, which was not found (tried %s%s%s)",
               interface, tried->str,
               env_variable != NULL && override == NULL ? "; set " : "",
               env_variable != NULL && override == NULL ? env_variable : "");
  g_debug ("Interface %s: last loader error: %s", interface, last_error ? last_error : "none");
  return NULL;
}
