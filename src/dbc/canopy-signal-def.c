/* canopy-signal-def.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "canopy-error.h"
#include "canopy-signal-def.h"

#include "canopy-dbc-private.h"

/**
 * CanopySignalDef:
 *
 * One signal of a message definition, as an `SG_` line of a DBC file
 * describes it: where its bits lie ([method@Canopy.SignalDef.get_start_bit],
 * its length and byte order), how raw bits become a physical value
 * (`raw × factor + offset`), its range, unit, receivers, value table and
 * multiplexing. Definitions are immutable once the database is loaded and
 * may be shared between threads.
 */

G_DEFINE_FINAL_TYPE (CanopySignalDef, canopy_signal_def, G_TYPE_OBJECT)

static const double exp10_table[10] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };

static void
canopy_signal_def_finalize (GObject *object)
{
  CanopySignalDef *self = CANOPY_SIGNAL_DEF (object);

  for (guint i = 0; i < self->n_value_texts; i++)
    g_free (self->value_texts[i].text);
  g_free (self->value_texts);
  g_free (self->mux_ranges);
  g_free (self->mux_switch_name);
  g_clear_pointer (&self->attributes, g_hash_table_unref);
  g_strfreev (self->receivers);
  g_free (self->comment);
  g_free (self->unit);
  g_free (self->name);

  G_OBJECT_CLASS (canopy_signal_def_parent_class)->finalize (object);
}

static void
canopy_signal_def_class_init (CanopySignalDefClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = canopy_signal_def_finalize;
}

static void
canopy_signal_def_init (CanopySignalDef *self)
{
  self->factor = 1;
  self->mux_switch = -1;
  self->mux_slot = -1;
}

CanopySignalDef *
_canopy_signal_def_new (const char *name)
{
  CanopySignalDef *self = g_object_new (CANOPY_TYPE_SIGNAL_DEF, NULL);

  self->name = g_strdup (name);
  self->unit = g_strdup ("");
  return self;
}

/* Computes where the bits lie; FALSE if the signal does not fit in @size
 * bytes. */
gboolean
_canopy_signal_def_compute_layout (CanopySignalDef *self,
                                   guint            size)
{
  guint lsb_bit, msb_byte;

  if (self->length < 1 || self->length > 64)
    return FALSE;

  if (self->byte_order == CANOPY_BYTE_ORDER_LITTLE_ENDIAN)
    {
      guint end = self->start_bit + self->length - 1;

      lsb_bit = self->start_bit;
      msb_byte = end / 8;
      self->lsb_byte = lsb_bit / 8;
      self->lsb_shift = lsb_bit % 8;
      self->n_bytes = msb_byte - self->lsb_byte + 1;
      self->last_byte = msb_byte;
    }
  else
    {
      /* Motorola: the start bit is the most significant one; counted in
       * big-endian order (bit 7 of byte 0 first) the signal runs from
       * there for length bits. */
      guint msb_seq = (self->start_bit / 8) * 8 + (7 - self->start_bit % 8);
      guint lsb_seq = msb_seq + self->length - 1;

      msb_byte = self->start_bit / 8;
      self->lsb_byte = lsb_seq / 8;
      self->lsb_shift = 7 - lsb_seq % 8;
      self->n_bytes = self->lsb_byte - msb_byte + 1;
      self->last_byte = self->lsb_byte;
    }

  /* The decimals that print every value exactly: 2 for a factor of 0.01,
   * 6 for 0.015625; -1 when none up to 9 do (0.0003834). */
  self->decimals = -1;
  for (int d = 0; d <= 9; d++)
    {
      double f = self->factor * exp10_table[d];
      double o = self->offset * exp10_table[d];

      if (fabs (f) < 1e15 && fabs (o) < 1e15 &&
          fabs (f - round (f)) <= 1e-9 * MAX (1, fabs (f)) &&
          fabs (o - round (o)) <= 1e-9 * MAX (1, fabs (o)))
        {
          self->decimals = d;
          self->scaled_factor = (gint64) round (f);
          self->scaled_offset = (gint64) round (o);
          break;
        }
    }

  return self->last_byte < size && self->last_byte < CANOPY_MESSAGE_MAX_DATA;
}

/* The raw bits, unsigned, from a payload at least last_byte + 1 long. */
guint64
_canopy_signal_def_extract (const CanopySignalDef *self,
                            const guint8          *data)
{
  const guint8 *p = data + self->lsb_byte;
  int step = self->byte_order == CANOPY_BYTE_ORDER_LITTLE_ENDIAN ? 1 : -1;
  guint shift = self->lsb_shift;
  guint64 bits = (guint64) p[0] >> shift;

  for (guint k = 1; k < self->n_bytes; k++)
    bits |= (guint64) p[(int) k * step] << (8 * k - shift);

  if (self->length < 64)
    bits &= (G_GUINT64_CONSTANT (1) << self->length) - 1;

  return bits;
}

void
_canopy_signal_def_insert (const CanopySignalDef *self,
                           guint8                *data,
                           guint64                raw_bits)
{
  guint8 *p = data + self->lsb_byte;
  int step = self->byte_order == CANOPY_BYTE_ORDER_LITTLE_ENDIAN ? 1 : -1;
  guint shift = self->lsb_shift;
  guint64 mask = self->length < 64 ? (G_GUINT64_CONSTANT (1) << self->length) - 1 : G_MAXUINT64;
  guint64 bits = raw_bits & mask;

  p[0] = (guint8) ((p[0] & ~((mask << shift) & 0xff)) | ((bits << shift) & 0xff));
  for (guint k = 1; k < self->n_bytes; k++)
    {
      guint off = 8 * k - shift;
      guint8 *byte = &p[(int) k * step];

      *byte = (guint8) ((*byte & ~((mask >> off) & 0xff)) | ((bits >> off) & 0xff));
    }
}

gint64
_canopy_signal_def_raw_from_bits (const CanopySignalDef *self,
                                  guint64                bits)
{
  if (self->is_signed && self->value_type == CANOPY_SIGNAL_VALUE_TYPE_INTEGER &&
      self->length < 64 && (bits >> (self->length - 1)) & 1)
    return (gint64) (bits | (G_MAXUINT64 << self->length));

  return (gint64) bits;
}

double
_canopy_signal_def_physical (const CanopySignalDef *self,
                             guint64                bits)
{
  double raw;

  switch (self->value_type)
    {
    case CANOPY_SIGNAL_VALUE_TYPE_FLOAT:
      {
        guint32 u = (guint32) bits;
        float f;

        memcpy (&f, &u, sizeof f);
        raw = f;
        break;
      }
    case CANOPY_SIGNAL_VALUE_TYPE_DOUBLE:
      memcpy (&raw, &bits, sizeof raw);
      break;
    case CANOPY_SIGNAL_VALUE_TYPE_INTEGER:
    default:
      if (self->is_signed)
        raw = (double) _canopy_signal_def_raw_from_bits (self, bits);
      else
        raw = (double) bits;
      break;
    }

  return raw * self->factor + self->offset;
}

/* Physical value → raw bits, or an error naming the signal. */
gboolean
_canopy_signal_def_to_bits (const CanopySignalDef  *self,
                            double                  value,
                            guint64                *bits,
                            GError                **error)
{
  double raw, tolerance;

  if (!isfinite (value))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Signal %s cannot carry the value %g", self->name, value);
      return FALSE;
    }

  /* A range of 0…0 (or any min ≥ max) means "not given", as in every DBC
   * tool. The tolerance absorbs the rounding of factor arithmetic. */
  tolerance = fabs (self->factor) * 1e-6 + 1e-12 * MAX (fabs (self->minimum), fabs (self->maximum));
  if (self->minimum < self->maximum &&
      (value < self->minimum - tolerance || value > self->maximum + tolerance))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Value %g of signal %s is outside its range [%g, %g]",
                   value, self->name, self->minimum, self->maximum);
      return FALSE;
    }

  if (self->factor == 0)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Signal %s has a factor of 0: no value can be encoded", self->name);
      return FALSE;
    }

  raw = (value - self->offset) / self->factor;

  if (self->value_type == CANOPY_SIGNAL_VALUE_TYPE_FLOAT)
    {
      float f = (float) raw;
      guint32 u;

      if (!isfinite (f))
        goto not_representable;
      memcpy (&u, &f, sizeof u);
      *bits = u;
      return TRUE;
    }

  if (self->value_type == CANOPY_SIGNAL_VALUE_TYPE_DOUBLE)
    {
      memcpy (bits, &raw, sizeof raw);
      return TRUE;
    }

  raw = round (raw);

  if (self->is_signed)
    {
      double low = -ldexp (1, self->length - 1);
      double high = ldexp (1, self->length - 1) - 1;

      if (raw < low || raw > high)
        goto not_representable;
      /* 2^63 - 1 rounds up to 2^63 as a double: clamp to the top. */
      *bits = raw >= 9223372036854775807.0 ? G_MAXINT64 : (guint64) (gint64) raw;
    }
  else
    {
      double high = ldexp (1, self->length) - 1;

      if (raw < 0 || raw > high)
        goto not_representable;
      *bits = raw >= 18446744073709551615.0 ? G_MAXUINT64 : (guint64) raw;
    }

  if (self->length < 64)
    *bits &= (G_GUINT64_CONSTANT (1) << self->length) - 1;

  return TRUE;

not_representable:
  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
               "Value %g of signal %s does not fit in its %u %s bits",
               value, self->name, self->length, self->is_signed ? "signed" : "unsigned");
  return FALSE;
}

/* Whether the multiplexors (their raw values and whether each was present)
 * select the signal. */
gboolean
_canopy_signal_def_selected (const CanopySignalDef *self,
                             const guint64         *mux_raw,
                             const gboolean        *mux_active)
{
  guint64 raw;

  if (self->mux_switch < 0)
    return TRUE;
  if (!mux_active[self->mux_switch])
    return FALSE;

  raw = mux_raw[self->mux_switch];
  for (guint i = 0; i < self->n_mux_ranges; i++)
    if (raw >= self->mux_ranges[i].low && raw <= self->mux_ranges[i].high)
      return TRUE;

  return FALSE;
}

void
_canopy_signal_def_set_attribute (CanopySignalDef *self,
                                  const char      *name,
                                  const char      *value)
{
  if (self->attributes == NULL)
    self->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_replace (self->attributes, g_strdup (name), g_strdup (value));
}

/**
 * canopy_signal_def_get_name:
 * @self: a signal definition
 *
 * Returns: the signal's name
 */
const char *
canopy_signal_def_get_name (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), NULL);
  return self->name;
}

/**
 * canopy_signal_def_get_index:
 * @self: a signal definition
 *
 * Gets the position of the signal in its message, as
 * canopy_message_def_get_signal() counts: programs that keep something per
 * signal index arrays with it instead of hashing.
 *
 * Returns: the index of the signal in its message
 */
guint
canopy_signal_def_get_index (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), 0);
  return self->index;
}

/**
 * canopy_signal_def_get_start_bit:
 * @self: a signal definition
 *
 * Gets the start bit as the DBC file writes it: the least significant bit
 * of an Intel signal, the most significant bit of a Motorola one, counted
 * byte × 8 + bit within the byte.
 *
 * Returns: the start bit
 */
guint
canopy_signal_def_get_start_bit (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), 0);
  return self->start_bit;
}

/**
 * canopy_signal_def_get_length:
 * @self: a signal definition
 *
 * Returns: the length in bits, 1 to 64
 */
guint
canopy_signal_def_get_length (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), 0);
  return self->length;
}

/**
 * canopy_signal_def_get_byte_order:
 * @self: a signal definition
 *
 * Returns: Intel (little-endian) or Motorola (big-endian)
 */
CanopyByteOrder
canopy_signal_def_get_byte_order (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), 0);
  return self->byte_order;
}

/**
 * canopy_signal_def_is_signed:
 * @self: a signal definition
 *
 * Returns: whether the raw value is a two's complement signed integer
 */
gboolean
canopy_signal_def_is_signed (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), FALSE);
  return self->is_signed;
}

/**
 * canopy_signal_def_get_value_type:
 * @self: a signal definition
 *
 * Returns: integer, or IEEE float or double (`SIG_VALTYPE_`)
 */
CanopySignalValueType
canopy_signal_def_get_value_type (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), 0);
  return self->value_type;
}

/**
 * canopy_signal_def_get_factor:
 * @self: a signal definition
 *
 * Returns: the factor: physical = raw × factor + offset
 */
double
canopy_signal_def_get_factor (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), 0);
  return self->factor;
}

/**
 * canopy_signal_def_get_offset:
 * @self: a signal definition
 *
 * Returns: the offset: physical = raw × factor + offset
 */
double
canopy_signal_def_get_offset (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), 0);
  return self->offset;
}

/**
 * canopy_signal_def_get_minimum:
 * @self: a signal definition
 *
 * Returns: the smallest physical value; a range whose minimum is not below
 *   its maximum (often `[0|0]`) means no range is given
 */
double
canopy_signal_def_get_minimum (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), 0);
  return self->minimum;
}

/**
 * canopy_signal_def_get_maximum:
 * @self: a signal definition
 *
 * Returns: the largest physical value
 */
double
canopy_signal_def_get_maximum (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), 0);
  return self->maximum;
}

/**
 * canopy_signal_def_get_unit:
 * @self: a signal definition
 *
 * Returns: the unit, "" if none
 */
const char *
canopy_signal_def_get_unit (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), NULL);
  return self->unit;
}

/**
 * canopy_signal_def_get_comment:
 * @self: a signal definition
 *
 * Returns: (nullable): the `CM_ SG_` comment
 */
const char *
canopy_signal_def_get_comment (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), NULL);
  return self->comment;
}

/**
 * canopy_signal_def_get_receivers:
 * @self: a signal definition
 *
 * Returns: (transfer none) (array zero-terminated=1): the receiving nodes
 */
const char * const *
canopy_signal_def_get_receivers (CanopySignalDef *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), NULL);
  return self->receivers != NULL ? (const char * const *) self->receivers : none;
}

/**
 * canopy_signal_def_get_start_value:
 * @self: a signal definition
 *
 * Gets the `GenSigStartValue` attribute, a raw value, as a physical value:
 * what encoding gives a signal that was not given a value.
 *
 * Returns: the physical start value; without the attribute, the physical
 *   value of a raw 0 (the offset)
 */
double
canopy_signal_def_get_start_value (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), 0);

  if (self->has_start_value)
    return self->start_value * self->factor + self->offset;
  return self->offset;
}

/**
 * canopy_signal_def_is_multiplexor:
 * @self: a signal definition
 *
 * Returns: whether the signal selects others (`M`, or `mNM`)
 */
gboolean
canopy_signal_def_is_multiplexor (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), FALSE);
  return self->is_multiplexor;
}

/**
 * canopy_signal_def_is_multiplexed:
 * @self: a signal definition
 *
 * Returns: whether the signal is only present when a multiplexor selects
 *   it (`mN`)
 */
gboolean
canopy_signal_def_is_multiplexed (CanopySignalDef *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), FALSE);
  return self->mux_switch >= 0;
}

/**
 * canopy_signal_def_get_value_text:
 * @self: a signal definition
 * @raw: a raw value
 *
 * Looks @raw up in the signal's value table (`VAL_`).
 *
 * Returns: (nullable): the text for @raw, or %NULL
 */
const char *
canopy_signal_def_get_value_text (CanopySignalDef *self,
                                  gint64           raw)
{
  guint low = 0, high;

  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), NULL);

  high = self->n_value_texts;
  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (self->value_texts[mid].raw == raw)
        return self->value_texts[mid].text;
      if (self->value_texts[mid].raw < raw)
        low = mid + 1;
      else
        high = mid;
    }

  return NULL;
}

/**
 * canopy_signal_def_get_attribute:
 * @self: a signal definition
 * @name: an attribute name (`BA_DEF_ SG_`)
 *
 * Gets an attribute of the signal (`BA_`, or the default of `BA_DEF_DEF_`);
 * enumeration attributes give their label.
 *
 * Returns: (nullable): the attribute's value as text
 */
const char *
canopy_signal_def_get_attribute (CanopySignalDef *self,
                                 const char      *name)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_DEF (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return self->attributes != NULL ? g_hash_table_lookup (self->attributes, name) : NULL;
}
