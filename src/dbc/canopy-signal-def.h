/* canopy-signal-def.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <glib-object.h>

#include "canopy-version-macros.h"

G_BEGIN_DECLS

/**
 * CanopyByteOrder:
 * @CANOPY_BYTE_ORDER_LITTLE_ENDIAN: Intel (`@1` in a DBC file): the start
 *   bit is the least significant bit
 * @CANOPY_BYTE_ORDER_BIG_ENDIAN: Motorola (`@0`): the start bit is the most
 *   significant bit, and the signal continues into the following bytes
 *
 * How a signal lies in the payload.
 */
typedef enum
{
  CANOPY_BYTE_ORDER_LITTLE_ENDIAN,
  CANOPY_BYTE_ORDER_BIG_ENDIAN,
} CanopyByteOrder;

/**
 * CanopySignalValueType:
 * @CANOPY_SIGNAL_VALUE_TYPE_INTEGER: an integer, signed or unsigned
 * @CANOPY_SIGNAL_VALUE_TYPE_FLOAT: an IEEE 754 single (32 bits, `SIG_VALTYPE_ … 1`)
 * @CANOPY_SIGNAL_VALUE_TYPE_DOUBLE: an IEEE 754 double (64 bits, `SIG_VALTYPE_ … 2`)
 *
 * What the raw bits of a signal are.
 */
typedef enum
{
  CANOPY_SIGNAL_VALUE_TYPE_INTEGER,
  CANOPY_SIGNAL_VALUE_TYPE_FLOAT,
  CANOPY_SIGNAL_VALUE_TYPE_DOUBLE,
} CanopySignalValueType;

#define CANOPY_TYPE_SIGNAL_DEF (canopy_signal_def_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopySignalDef, canopy_signal_def, CANOPY, SIGNAL_DEF, GObject)

CANOPY_AVAILABLE_IN_ALL
const char           *canopy_signal_def_get_name         (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
guint                 canopy_signal_def_get_index        (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
guint                 canopy_signal_def_get_start_bit    (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
guint                 canopy_signal_def_get_length       (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
CanopyByteOrder       canopy_signal_def_get_byte_order   (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
gboolean              canopy_signal_def_is_signed        (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
CanopySignalValueType canopy_signal_def_get_value_type   (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
double                canopy_signal_def_get_factor       (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
double                canopy_signal_def_get_offset       (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
double                canopy_signal_def_get_minimum      (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
double                canopy_signal_def_get_maximum      (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
const char           *canopy_signal_def_get_unit         (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
const char           *canopy_signal_def_get_comment      (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
const char * const   *canopy_signal_def_get_receivers    (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
double                canopy_signal_def_get_start_value  (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
gboolean              canopy_signal_def_is_multiplexor   (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
gboolean              canopy_signal_def_is_multiplexed   (CanopySignalDef *self);
CANOPY_AVAILABLE_IN_ALL
const char           *canopy_signal_def_get_value_text   (CanopySignalDef *self,
                                                          gint64           raw);
CANOPY_AVAILABLE_IN_ALL
const char           *canopy_signal_def_get_attribute    (CanopySignalDef *self,
                                                          const char      *name);

G_END_DECLS
