/* canopy-signal-value.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

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

static const gint64 pow10_table[10] = {
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
};

/* Digits of @n (not 0 … 9 only) into the end of @buf; returns the start. */
static char *
format_unsigned (char    *end,
                 guint64  n)
{
  do
    {
      *--end = (char) ('0' + n % 10);
      n /= 10;
    }
  while (n > 0);
  return end;
}

/**
 * canopy_signal_value_format:
 * @value: a signal value
 * @buf: (out caller-allocates) (array length=buf_len): where to write
 * @buf_len: its size; 32 bytes always suffice
 *
 * Writes the physical value as text with the decimals its resolution
 * needs, without allocating: 3040.6 for a factor of 0.1, not
 * 3040.6000000000004; trailing zeros are left out. A value whose factor
 * has no short decimal form is written with 15 significant digits. The
 * decimal separator is always a point.
 *
 * Returns: the length written, without the terminating NUL
 */
gsize
canopy_signal_value_format (const CanopySignalValue *value,
                            char                    *buf,
                            gsize                    buf_len)
{
  const CanopySignalDef *signal;
  char tmp[32];
  char *end = tmp + sizeof tmp;
  char *p;
  int decimals;
  gboolean negative;
  guint64 n;
  gsize len;

  g_return_val_if_fail (value != NULL && value->signal != NULL, 0);
  g_return_val_if_fail (buf != NULL && buf_len > 0, 0);

  signal = value->signal;
  decimals = signal->value_type == CANOPY_SIGNAL_VALUE_TYPE_INTEGER ? signal->decimals : -1;
  if (decimals < 0)
    goto as_double;

  /* Exactly, in integers: raw × factor + offset, scaled by 10^decimals. */
  if (!signal->is_signed && value->raw < 0)
    {
      /* An unsigned 64-bit raw value above G_MAXINT64. */
      if (signal->scaled_factor != 1 || signal->scaled_offset != 0 || decimals != 0)
        goto as_double;
      negative = FALSE;
      n = (guint64) value->raw;
    }
  else
    {
      gint64 f = signal->scaled_factor;
      gint64 r = value->raw;
      gint64 scaled_value;

      if (f != 0 && (r > G_MAXINT64 / ABS (f) || r < -(G_MAXINT64 / ABS (f))))
        goto as_double;
      scaled_value = r * f;
      if ((signal->scaled_offset > 0 && scaled_value > G_MAXINT64 - signal->scaled_offset) ||
          (signal->scaled_offset < 0 && scaled_value < -G_MAXINT64 - signal->scaled_offset))
        goto as_double;
      scaled_value += signal->scaled_offset;
      negative = scaled_value < 0;
      n = negative ? (guint64) -scaled_value : (guint64) scaled_value;
    }

  p = end;
  if (decimals > 0)
    {
      guint64 fraction = n % (guint64) pow10_table[decimals];
      int digits = decimals;

      /* Trailing zeros go. */
      while (digits > 0 && fraction % 10 == 0)
        {
          fraction /= 10;
          digits--;
        }
      if (digits > 0)
        {
          for (int i = 0; i < digits; i++)
            {
              *--p = (char) ('0' + fraction % 10);
              fraction /= 10;
            }
          *--p = '.';
        }
      n /= (guint64) pow10_table[decimals];
    }
  p = format_unsigned (p, n);
  if (negative && (p[0] != '0' || p + 1 != end))
    *--p = '-';
  len = end - p;
  goto copy;

as_double:
  g_ascii_formatd (tmp, sizeof tmp, "%.15g", value->value);
  len = strlen (tmp);
  p = tmp;

copy:
  if (len >= buf_len)
    len = buf_len - 1;
  memcpy (buf, p, len);
  buf[len] = '\0';
  return len;
}
