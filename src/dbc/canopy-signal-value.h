/* canopy-signal-value.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <glib-object.h>

#include "canopy-signal-def.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_SIGNAL_VALUE (canopy_signal_value_get_type ())

typedef struct _CanopySignalValue CanopySignalValue;

/**
 * CanopySignalValue:
 * @signal: the signal's definition
 * @value: the physical value: raw × factor + offset
 * @raw: the raw value: sign-extended for signed signals; for float and
 *   double signals the IEEE bits
 *
 * One decoded signal of a frame. Arrays that
 * canopy_message_def_decode_values() fills borrow @signal from the
 * database; a copy (canopy_signal_value_copy(), and every value that
 * canopy_database_decode() returns) holds a reference.
 */
struct _CanopySignalValue
{
  CanopySignalDef *signal;
  double           value;
  gint64           raw;

  /*< private >*/
  guint            owns_signal;
};

CANOPY_AVAILABLE_IN_ALL
GType              canopy_signal_value_get_type   (void) G_GNUC_CONST;
CANOPY_AVAILABLE_IN_ALL
CanopySignalValue *canopy_signal_value_copy       (const CanopySignalValue *value);
CANOPY_AVAILABLE_IN_ALL
void               canopy_signal_value_free       (CanopySignalValue       *value);
CANOPY_AVAILABLE_IN_ALL
CanopySignalDef   *canopy_signal_value_get_signal (const CanopySignalValue *value);
CANOPY_AVAILABLE_IN_ALL
const char        *canopy_signal_value_get_name   (const CanopySignalValue *value);
CANOPY_AVAILABLE_IN_ALL
double             canopy_signal_value_get_value  (const CanopySignalValue *value);
CANOPY_AVAILABLE_IN_ALL
gint64             canopy_signal_value_get_raw    (const CanopySignalValue *value);
CANOPY_AVAILABLE_IN_ALL
const char        *canopy_signal_value_get_unit   (const CanopySignalValue *value);
CANOPY_AVAILABLE_IN_ALL
const char        *canopy_signal_value_get_text   (const CanopySignalValue *value);
CANOPY_AVAILABLE_IN_ALL
gsize              canopy_signal_value_format     (const CanopySignalValue *value,
                                                   char                    *buf,
                                                   gsize                    buf_len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopySignalValue, canopy_signal_value_free)

G_END_DECLS
