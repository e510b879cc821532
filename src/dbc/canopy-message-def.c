/* canopy-message-def.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "canopy-error.h"
#include "canopy-message-def.h"

#include "canopy-dbc-private.h"

/**
 * CanopyMessageDef:
 *
 * A message of a signal database (a `BO_` of a DBC file): its identifier,
 * size, sender, cycle time and signals. It decodes frames into signal
 * values ([method@Canopy.MessageDef.decode]) and encodes values into a
 * frame ([method@Canopy.MessageDef.encode]). Immutable once loaded; safe to
 * use from several threads.
 */

G_DEFINE_FINAL_TYPE (CanopyMessageDef, canopy_message_def, G_TYPE_OBJECT)

static void
canopy_message_def_finalize (GObject *object)
{
  CanopyMessageDef *self = CANOPY_MESSAGE_DEF (object);

  g_free (self->decode_order);
  g_clear_pointer (&self->signal_groups, g_hash_table_unref);
  g_clear_pointer (&self->signals_by_name, g_hash_table_unref);
  g_clear_pointer (&self->signals, g_ptr_array_unref);
  g_clear_pointer (&self->attributes, g_hash_table_unref);
  g_strfreev (self->transmitters);
  g_free (self->comment);
  g_free (self->sender);
  g_free (self->name);

  G_OBJECT_CLASS (canopy_message_def_parent_class)->finalize (object);
}

static void
canopy_message_def_class_init (CanopyMessageDefClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = canopy_message_def_finalize;
}

static void
canopy_message_def_init (CanopyMessageDef *self)
{
  self->signals = g_ptr_array_new_with_free_func (g_object_unref);
  self->signals_by_name = g_hash_table_new (g_str_hash, g_str_equal);
}

CanopyMessageDef *
_canopy_message_def_new (const char *name,
                         guint32     dbc_id,
                         guint       size)
{
  CanopyMessageDef *self = g_object_new (CANOPY_TYPE_MESSAGE_DEF, NULL);

  self->name = g_strdup (name);
  self->is_extended = (dbc_id & 0x80000000u) != 0;
  self->arbitration_id = dbc_id & 0x1FFFFFFFu;
  self->size = size;
  self->is_fd = size > 8;
  return self;
}

/* Takes @signal; a second signal of the same name keeps the first's lookup. */
void
_canopy_message_def_add_signal (CanopyMessageDef *self,
                                CanopySignalDef  *signal)
{
  signal->index = self->signals->len;
  g_ptr_array_add (self->signals, signal);
  if (!g_hash_table_contains (self->signals_by_name, signal->name))
    g_hash_table_insert (self->signals_by_name, signal->name, signal);
}

guint32
_canopy_j1939_pgn (guint32 arbitration_id)
{
  guint32 pgn = (arbitration_id >> 8) & 0x3FFFF;

  /* PDU1 (PF < 240): the low byte is a destination address, not PGN. */
  if (((pgn >> 8) & 0xFF) < 240)
    pgn &= 0x3FF00;
  return pgn;
}

/* Resolves which multiplexor selects each multiplexed signal and orders the
 * signals so that a multiplexor is decoded before what it selects. FALSE
 * (with the reason in @problem) if that cannot be done; the message then
 * has no multiplexed signals. */
gboolean
_canopy_message_def_resolve_multiplexing (CanopyMessageDef *self,
                                          GString          *problem)
{
  guint n = self->signals->len;
  g_autofree int *slot_signal = g_new (int, CANOPY_DBC_MAX_MULTIPLEXORS);
  g_autofree gboolean *placed = g_new0 (gboolean, n);
  CanopySignalDef *root = NULL;
  guint n_placed = 0;

  g_clear_pointer (&self->decode_order, g_free);
  self->decode_order = g_new (guint, MAX (n, 1));
  self->n_multiplexors = 0;

  for (guint i = 0; i < n; i++)
    {
      CanopySignalDef *signal = g_ptr_array_index (self->signals, i);

      signal->mux_slot = -1;
      if (!signal->is_multiplexor)
        continue;
      if (self->n_multiplexors == CANOPY_DBC_MAX_MULTIPLEXORS)
        {
          g_string_printf (problem, "message %s has more than %d multiplexors",
                           self->name, CANOPY_DBC_MAX_MULTIPLEXORS);
          goto fail;
        }
      slot_signal[self->n_multiplexors] = i;
      signal->mux_slot = self->n_multiplexors++;
      if (root == NULL && signal->n_mux_ranges == 0)
        root = signal;
    }

  for (guint i = 0; i < n; i++)
    {
      CanopySignalDef *signal = g_ptr_array_index (self->signals, i);
      CanopySignalDef *sw = root;

      signal->mux_switch = -1;
      if (signal->n_mux_ranges == 0)
        continue;
      if (signal->mux_switch_name != NULL)
        sw = g_hash_table_lookup (self->signals_by_name, signal->mux_switch_name);
      if (sw == NULL || !sw->is_multiplexor || sw == signal)
        {
          g_string_printf (problem, "signal %s of message %s has no multiplexor%s%s",
                           signal->name, self->name,
                           signal->mux_switch_name ? " named " : "",
                           signal->mux_switch_name ? signal->mux_switch_name : "");
          goto fail;
        }
      signal->mux_switch = sw->mux_slot;
    }

  /* Multiplexors first, in dependency order; then every other signal, in
   * the file's order. */
  while (n_placed < n)
    {
      guint before = n_placed;

      for (guint i = 0; i < n; i++)
        {
          CanopySignalDef *signal = g_ptr_array_index (self->signals, i);

          if (placed[i] || !signal->is_multiplexor)
            continue;
          if (signal->mux_switch >= 0 && !placed[slot_signal[signal->mux_switch]])
            continue;
          placed[i] = TRUE;
          self->decode_order[n_placed++] = i;
        }
      for (guint i = 0; i < n; i++)
        if (!placed[i] && !((CanopySignalDef *) g_ptr_array_index (self->signals, i))->is_multiplexor)
          {
            placed[i] = TRUE;
            self->decode_order[n_placed++] = i;
          }

      if (n_placed == before)
        {
          g_string_printf (problem, "the multiplexors of message %s select each other", self->name);
          goto fail;
        }
    }

  return TRUE;

fail:
  /* Keep every signal, unmultiplexed, rather than lose the message. */
  for (guint i = 0; i < n; i++)
    {
      CanopySignalDef *signal = g_ptr_array_index (self->signals, i);

      signal->mux_switch = -1;
      signal->mux_slot = -1;
      signal->is_multiplexor = FALSE;
      signal->n_mux_ranges = 0;
      self->decode_order[i] = i;
    }
  self->n_multiplexors = 0;
  return FALSE;
}

void
_canopy_message_def_set_attribute (CanopyMessageDef *self,
                                   const char       *name,
                                   const char       *value)
{
  if (self->attributes == NULL)
    self->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_replace (self->attributes, g_strdup (name), g_strdup (value));
}

/* The raw bits of GenSigStartValue, or of 0, for signal @index. */
guint64
_canopy_message_def_start_bits (CanopyMessageDef *self,
                                guint             index)
{
  CanopySignalDef *signal = g_ptr_array_index (self->signals, index);
  double start = signal->has_start_value ? signal->start_value : 0;
  guint64 bits;

  switch (signal->value_type)
    {
    case CANOPY_SIGNAL_VALUE_TYPE_FLOAT:
      {
        float f = (float) start;
        guint32 u;

        memcpy (&u, &f, sizeof u);
        return u;
      }
    case CANOPY_SIGNAL_VALUE_TYPE_DOUBLE:
      memcpy (&bits, &start, sizeof bits);
      return bits;
    case CANOPY_SIGNAL_VALUE_TYPE_INTEGER:
    default:
      if (!isfinite (start) || fabs (start) >= 9.2e18)
        return 0;
      bits = (guint64) (gint64) llround (start);
      if (signal->length < 64)
        bits &= (G_GUINT64_CONSTANT (1) << signal->length) - 1;
      return bits;
    }
}

/* Writes the signals that the multiplexors select into @data; a signal in
 * @given that is not selected is an error. Signals in @given are written
 * last, so a defaulted signal that shares their bits cannot overwrite them. */
gboolean
_canopy_message_def_pack (CanopyMessageDef  *self,
                          const guint64     *bits,
                          const gboolean    *given,
                          guint8            *data,
                          GError           **error)
{
  guint64 mux_raw[CANOPY_DBC_MAX_MULTIPLEXORS];
  gboolean mux_active[CANOPY_DBC_MAX_MULTIPLEXORS];

  for (guint pass = 0; pass < (given != NULL ? 2 : 1); pass++)
    for (guint k = 0; k < self->signals->len; k++)
      {
        guint i = self->decode_order[k];
        CanopySignalDef *signal = g_ptr_array_index (self->signals, i);
        gboolean selected = _canopy_signal_def_selected (signal, mux_raw, mux_active);
        gboolean in_this_pass = given == NULL || (given[i] ? pass == 1 : pass == 0);

        if (signal->mux_slot >= 0)
          {
            mux_active[signal->mux_slot] = selected;
            mux_raw[signal->mux_slot] = bits[i];
          }

        if (!in_this_pass)
          continue;

        if (!selected)
          {
            if (given != NULL && given[i])
              {
                g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                             "Signal %s of message %s is not selected by the value of its multiplexor",
                             signal->name, self->name);
                return FALSE;
              }
            continue;
          }

        _canopy_signal_def_insert (signal, data, bits[i]);
      }

  return TRUE;
}

static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * canopy_message_def_get_name:
 * @self: a message definition
 *
 * Returns: the message's name
 */
const char *
canopy_message_def_get_name (CanopyMessageDef *self)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), NULL);
  return self->name;
}

/**
 * canopy_message_def_get_arbitration_id:
 * @self: a message definition
 *
 * Returns: the identifier, without the DBC file's extended bit (0x80000000)
 */
guint32
canopy_message_def_get_arbitration_id (CanopyMessageDef *self)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), 0);
  return self->arbitration_id;
}

/**
 * canopy_message_def_is_extended:
 * @self: a message definition
 *
 * Returns: whether the identifier has 29 bits
 */
gboolean
canopy_message_def_is_extended (CanopyMessageDef *self)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), FALSE);
  return self->is_extended;
}

/**
 * canopy_message_def_is_fd:
 * @self: a message definition
 *
 * Tells whether the message is a CAN FD frame: `VFrameFormat` says so, or
 * it is longer than 8 bytes.
 *
 * Returns: whether the message is sent as CAN FD
 */
gboolean
canopy_message_def_is_fd (CanopyMessageDef *self)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), FALSE);
  return self->is_fd;
}

/**
 * canopy_message_def_is_j1939:
 * @self: a message definition
 *
 * Tells whether the message is a J1939 parameter group (`VFrameFormat`
 * `J1939PG`, or a database whose `ProtocolType` is J1939): frames match it
 * by their PGN, whatever their source address.
 *
 * Returns: whether the message is a J1939 parameter group
 */
gboolean
canopy_message_def_is_j1939 (CanopyMessageDef *self)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), FALSE);
  return self->is_j1939;
}

/**
 * canopy_message_def_get_pgn:
 * @self: a message definition
 *
 * Gets the J1939 parameter group number of an extended identifier: bits
 * 8–25, without the destination address of a PDU1 group.
 *
 * Returns: the PGN, 0 for a standard identifier
 */
guint32
canopy_message_def_get_pgn (CanopyMessageDef *self)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), 0);
  return self->is_extended ? _canopy_j1939_pgn (self->arbitration_id) : 0;
}

/**
 * canopy_message_def_get_size:
 * @self: a message definition
 *
 * Returns: the payload size in bytes (up to 64)
 */
guint
canopy_message_def_get_size (CanopyMessageDef *self)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), 0);
  return self->size;
}

/**
 * canopy_message_def_get_cycle_time:
 * @self: a message definition
 *
 * Returns: the `GenMsgCycleTime` attribute in milliseconds, 0 if none
 */
guint
canopy_message_def_get_cycle_time (CanopyMessageDef *self)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), 0);
  return self->cycle_time_ms;
}

/**
 * canopy_message_def_get_sender:
 * @self: a message definition
 *
 * Returns: the transmitting node of the `BO_` line
 */
const char *
canopy_message_def_get_sender (CanopyMessageDef *self)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), NULL);
  return self->sender;
}

/**
 * canopy_message_def_get_transmitters:
 * @self: a message definition
 *
 * Returns: (transfer none) (array zero-terminated=1): further transmitters
 *   (`BO_TX_BU_`)
 */
const char * const *
canopy_message_def_get_transmitters (CanopyMessageDef *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), NULL);
  return self->transmitters != NULL ? (const char * const *) self->transmitters : none;
}

/**
 * canopy_message_def_get_comment:
 * @self: a message definition
 *
 * Returns: (nullable): the `CM_ BO_` comment
 */
const char *
canopy_message_def_get_comment (CanopyMessageDef *self)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), NULL);
  return self->comment;
}

/**
 * canopy_message_def_get_attribute:
 * @self: a message definition
 * @name: an attribute name (`BA_DEF_ BO_`)
 *
 * Gets an attribute of the message (`BA_`, or the default of
 * `BA_DEF_DEF_`); enumeration attributes give their label.
 *
 * Returns: (nullable): the attribute's value as text
 */
const char *
canopy_message_def_get_attribute (CanopyMessageDef *self,
                                  const char       *name)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return self->attributes != NULL ? g_hash_table_lookup (self->attributes, name) : NULL;
}

/**
 * canopy_message_def_get_n_signals:
 * @self: a message definition
 *
 * Returns: how many signals the message has, multiplexed ones included
 */
guint
canopy_message_def_get_n_signals (CanopyMessageDef *self)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), 0);
  return self->signals->len;
}

/**
 * canopy_message_def_get_signal:
 * @self: a message definition
 * @index: a signal index, below canopy_message_def_get_n_signals()
 *
 * Returns: (transfer none): the signal, in the order of the file
 */
CanopySignalDef *
canopy_message_def_get_signal (CanopyMessageDef *self,
                               guint             index)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), NULL);
  g_return_val_if_fail (index < self->signals->len, NULL);
  return g_ptr_array_index (self->signals, index);
}

/**
 * canopy_message_def_lookup_signal:
 * @self: a message definition
 * @name: a signal name
 *
 * Returns: (transfer none) (nullable): the signal called @name
 */
CanopySignalDef *
canopy_message_def_lookup_signal (CanopyMessageDef *self,
                                  const char       *name)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->signals_by_name, name);
}

/**
 * canopy_message_def_list_signal_groups:
 * @self: a message definition
 *
 * Returns: (transfer full) (array zero-terminated=1): the names of the
 *   message's signal groups
 *   (`SIG_GROUP_`), sorted
 */
char **
canopy_message_def_list_signal_groups (CanopyMessageDef *self)
{
  g_autofree const char **keys = NULL;
  guint n = 0;

  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), NULL);

  if (self->signal_groups == NULL)
    return g_new0 (char *, 1);

  keys = (const char **) g_hash_table_get_keys_as_array (self->signal_groups, &n);
  qsort (keys, n, sizeof (char *), compare_names);
  return g_strdupv ((char **) keys);
}

/**
 * canopy_message_def_get_signal_group:
 * @self: a message definition
 * @name: a signal group name
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the names
 *   of the signals in the group
 */
const char * const *
canopy_message_def_get_signal_group (CanopyMessageDef *self,
                                     const char       *name)
{
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (self->signal_groups == NULL)
    return NULL;
  return g_hash_table_lookup (self->signal_groups, name);
}

/**
 * canopy_message_def_decode_values:
 * @self: a message definition
 * @frame: a frame of this message
 * @values: (out caller-allocates) (array length=n_values): where to store
 *   the values
 * @n_values: room in @values; canopy_message_def_get_n_signals() is always
 *   enough
 *
 * Decodes @frame into @values without allocating: the fast path for
 * programs in C. Multiplexors come first, then the other signals present
 * in the file's order; a multiplexed signal is only there when its
 * multiplexor selects it, and a signal beyond the frame's length is left
 * out. The values borrow their signal definitions from @self.
 *
 * Returns: how many values were stored
 */
guint
canopy_message_def_decode_values (CanopyMessageDef    *self,
                                  const CanopyMessage *frame,
                                  CanopySignalValue   *values,
                                  guint                n_values)
{
  guint64 mux_raw[CANOPY_DBC_MAX_MULTIPLEXORS];
  gboolean mux_active[CANOPY_DBC_MAX_MULTIPLEXORS];
  CanopySignalDef **signals;
  guint len, n = 0;

  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), 0);
  g_return_val_if_fail (frame != NULL, 0);
  g_return_val_if_fail (values != NULL || n_values == 0, 0);

  len = MIN (frame->dlc, CANOPY_MESSAGE_MAX_DATA);
  if (frame->flags & CANOPY_MESSAGE_REMOTE)
    len = 0;
  signals = (CanopySignalDef **) self->signals->pdata;

  for (guint k = 0; k < self->signals->len && n < n_values; k++)
    {
      CanopySignalDef *signal = signals[self->decode_order[k]];
      guint64 bits;

      if (signal->last_byte >= len ||
          (signal->mux_switch >= 0 && !_canopy_signal_def_selected (signal, mux_raw, mux_active)))
        {
          if (signal->mux_slot >= 0)
            mux_active[signal->mux_slot] = FALSE;
          continue;
        }

      bits = _canopy_signal_def_extract (signal, frame->data);
      if (signal->mux_slot >= 0)
        {
          mux_active[signal->mux_slot] = TRUE;
          mux_raw[signal->mux_slot] = bits;
        }
      _canopy_signal_value_init (&values[n++], signal, bits);
    }

  return n;
}

/**
 * canopy_message_def_decode:
 * @self: a message definition
 * @frame: a frame of this message
 *
 * Decodes @frame into its signals, as canopy_message_def_decode_values().
 *
 * Returns: (transfer container) (element-type CanopySignalValue): the
 *   values of the signals present
 */
GPtrArray *
canopy_message_def_decode (CanopyMessageDef    *self,
                           const CanopyMessage *frame)
{
  g_autofree CanopySignalValue *values = NULL;
  GPtrArray *result;
  guint n;

  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), NULL);
  g_return_val_if_fail (frame != NULL, NULL);

  values = g_new (CanopySignalValue, MAX (self->signals->len, 1));
  n = canopy_message_def_decode_values (self, frame, values, self->signals->len);

  result = g_ptr_array_new_full (n, (GDestroyNotify) canopy_signal_value_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (result, canopy_signal_value_copy (&values[i]));

  return result;
}

/**
 * canopy_message_def_init_frame:
 * @self: a message definition
 * @frame: (out caller-allocates): the frame to fill
 *
 * Sets @frame to an all-zero payload of this message: identifier, extended
 * and CAN FD flags, and length.
 */
void
canopy_message_def_init_frame (CanopyMessageDef *self,
                               CanopyMessage    *frame)
{
  g_return_if_fail (CANOPY_IS_MESSAGE_DEF (self));
  g_return_if_fail (frame != NULL);

  memset (frame, 0, sizeof *frame);
  frame->arbitration_id = self->arbitration_id;
  frame->channel = CANOPY_CHANNEL_NONE;
  /* A CAN FD frame cannot be 10 bytes long: the next valid length. */
  frame->dlc = canopy_dlc_to_length (canopy_length_to_dlc (self->size));
  if (self->is_extended)
    frame->flags |= CANOPY_MESSAGE_EXTENDED;
  if (self->is_fd)
    frame->flags |= CANOPY_MESSAGE_FD;
}

/**
 * canopy_message_def_encode:
 * @self: a message definition
 * @names: (array length=n_values): signal names
 * @values: (array length=n_values): their physical values
 * @n_values: how many names and values there are
 * @frame: (out caller-allocates): the encoded frame
 * @error: return location for a #GError
 *
 * Encodes signal values into a frame of this message. Signals not given
 * take their `GenSigStartValue`, or a raw 0. Multiplexed signals are
 * written when the multiplexor's value (given or default) selects them;
 * giving one that is not selected is an error, as is an unknown name, or a
 * value out of the signal's range or that its bits cannot carry. Decoding
 * the frame gives the values back within the signal's resolution (its
 * factor).
 *
 * Returns: %TRUE with @frame filled, %FALSE with @error set
 */
gboolean
canopy_message_def_encode (CanopyMessageDef    *self,
                           const char * const  *names,
                           const double        *values,
                           gsize                n_values,
                           CanopyMessage       *frame,
                           GError             **error)
{
  g_autofree guint64 *bits = NULL;
  g_autofree gboolean *given = NULL;
  guint n;

  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (self), FALSE);
  g_return_val_if_fail (names != NULL || n_values == 0, FALSE);
  g_return_val_if_fail (values != NULL || n_values == 0, FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n = self->signals->len;
  bits = g_new (guint64, MAX (n, 1));
  given = g_new0 (gboolean, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    bits[i] = _canopy_message_def_start_bits (self, i);

  for (gsize k = 0; k < n_values; k++)
    {
      CanopySignalDef *signal = g_hash_table_lookup (self->signals_by_name, names[k]);
      guint i;

      if (signal == NULL)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       "Message %s has no signal %s", self->name, names[k]);
          return FALSE;
        }
      if (!g_ptr_array_find (self->signals, signal, &i) ||
          !_canopy_signal_def_to_bits (signal, values[k], &bits[i], error))
        return FALSE;
      given[i] = TRUE;
    }

  canopy_message_def_init_frame (self, frame);
  if (!_canopy_message_def_pack (self, bits, given, frame->data, error))
    return FALSE;

  return TRUE;
}
