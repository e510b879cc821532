/* canopy-signal-value.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-signal-value.h"

#include "canopy-dbc-private.h"

G_DEFINE_BOXED_TYPE (CanopySignalValue, canopy_signal_value,
                     canopy_signal_value_copy, canopy_signal_value_free)

void
_canopy_signal_value_init (CanopySignalValue *value,
                           CanopySignalDef   *signal,
                           guint64            bits)
{
  value->signal = signal;
  value->value = _canopy_signal_def_physical (signal, bits);
  value->raw = _canopy_signal_def_raw_from_bits (signal, bits);
  value->owns_signal = FALSE;
}

/**
 * canopy_signal_value_copy:
 * @value: a signal value
 *
 * Copies @value; the copy keeps its signal definition alive.
 *
 * Returns: (transfer full): a copy to free with canopy_signal_value_free()
 */
CanopySignalValue *
canopy_signal_value_copy (const CanopySignalValue *value)
{
  CanopySignalValue *copy;

  g_return_val_if_fail (value != NULL, NULL);

  copy = g_new (CanopySignalValue, 1);
  *copy = *value;
  if (copy->signal != NULL)
    g_object_ref (copy->signal);
  copy->owns_signal = TRUE;

  return copy;
}

/**
 * canopy_signal_value_free:
 * @value: (transfer full): a signal value from canopy_signal_value_copy()
 *
 * Frees a copied value.
 */
void
canopy_signal_value_free (CanopySignalValue *value)
{
  if (value == NULL)
    return;
  if (value->owns_signal && value->signal != NULL)
    g_object_unref (value->signal);
  g_free (value);
}

/**
 * canopy_signal_value_get_signal:
 * @value: a signal value
 *
 * Returns: (transfer none): the signal's definition
 */
CanopySignalDef *
canopy_signal_value_get_signal (const CanopySignalValue *value)
{
  g_return_val_if_fail (value != NULL, NULL);
  return value->signal;
}

/**
 * canopy_signal_value_get_name:
 * @value: a signal value
 *
 * Returns: the signal's name
 */
const char *
canopy_signal_value_get_name (const CanopySignalValue *value)
{
  g_return_val_if_fail (value != NULL && value->signal != NULL, NULL);
  return value->signal->name;
}

/**
 * canopy_signal_value_get_value:
 * @value: a signal value
 *
 * Returns: the physical value: raw × factor + offset
 */
double
canopy_signal_value_get_value (const CanopySignalValue *value)
{
  g_return_val_if_fail (value != NULL, 0);
  return value->value;
}

/**
 * canopy_signal_value_get_raw:
 * @value: a signal value
 *
 * Gets the raw value: sign-extended for signed signals, the bits as they
 * are for unsigned ones (a 64-bit unsigned value above %G_MAXINT64 reads
 * negative), the IEEE bits for float and double signals.
 *
 * Returns: the raw value
 */
gint64
canopy_signal_value_get_raw (const CanopySignalValue *value)
{
  g_return_val_if_fail (value != NULL, 0);
  return value->raw;
}

/**
 * canopy_signal_value_get_unit:
 * @value: a signal value
 *
 * Returns: the signal's unit, "" if none
 */
const char *
canopy_signal_value_get_unit (const CanopySignalValue *value)
{
  g_return_val_if_fail (value != NULL && value->signal != NULL, NULL);
  return value->signal->unit;
}

/**
 * canopy_signal_value_get_text:
 * @value: a signal value
 *
 * Looks the raw value up in the signal's value table (`VAL_`).
 *
 * Returns: (nullable): the text for the value, %NULL if the table has none
 */
const char *
canopy_signal_value_get_text (const CanopySignalValue *value)
{
  g_return_val_if_fail (value != NULL && value->signal != NULL, NULL);

  if (value->signal->n_value_texts == 0)
    return NULL;
  return canopy_signal_def_get_value_text (value->signal, value->raw);
}
