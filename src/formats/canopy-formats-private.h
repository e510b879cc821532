/* canopy-formats-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each format registers itself with the engine (canopy-formats.c); the
 * library's top, src/canopy-builtins.c, calls each of these once. */
void _canopy_asc_format_register     (void);
void _canopy_blf_format_register     (void);
void _canopy_csv_format_register     (void);
void _canopy_sqlite_format_register  (void);
void _canopy_candump_format_register (void);
void _canopy_trc_format_register     (void);
void _canopy_printer_format_register (void);

G_END_DECLS
