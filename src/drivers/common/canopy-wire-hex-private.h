/* canopy-wire-hex-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Hex digits of the ASCII wire protocols (slcan, socketcand): one place
 * for the digit order both codecs write and read, inline because they sit
 * on the per-frame encode and decode paths. */

/* The upper-case digit of the low four bits of @value. */
static inline char
_canopy_wire_hex_digit (guint value)
{
  return "0123456789ABCDEF"[value & 0xF];
}

/* The value of the hex digit @c (either case), -1 for anything else. */
static inline int
_canopy_wire_hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* Writes the low @n_digits hex digits of @value at @p, most significant
 * first and zero-padded, without a terminator; returns the end. */
static inline char *
_canopy_wire_put_hex (char    *p,
                      guint32  value,
                      guint    n_digits)
{
  for (guint i = n_digits; i > 0; i--)
    {
      p[i - 1] = _canopy_wire_hex_digit (value);
      value >>= 4;
    }
  return p + n_digits;
}

G_END_DECLS
