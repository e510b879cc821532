/* canopy-id-row.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-id-row-private.h"
#include "canopy-message-private.h"

/**
 * CanopyIdRow:
 *
 * One row of a [class@Canopy.IdTable]: what was seen of one identifier on
 * one channel — the latest frame, how many, how often, and which bytes
 * changed.
 *
 * A row changes only on the main context of its table, in place: it
 * notifies the properties that changed, so a view bound to them updates
 * its cells without rebuilding its rows.
 */
struct _CanopyIdRow
{
  GObject       parent_instance;

  CanopyIdState state;
};

enum {
  PROP_0,
  PROP_MESSAGE,
  PROP_ARBITRATION_ID,
  PROP_CHANNEL,
  PROP_EXTENDED,
  PROP_COUNT,
  PROP_PERIOD_LAST_NS,
  PROP_PERIOD_MEAN_NS,
  PROP_PERIOD_MIN_NS,
  PROP_PERIOD_MAX_NS,
  PROP_CHANGED_MASK,
  PROP_FIRST_TIMESTAMP_NS,
  PROP_LAST_TIMESTAMP_NS,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyIdRow, canopy_id_row, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

void
_canopy_id_state_init (CanopyIdState       *state,
                       const CanopyMessage *msg)
{
  state->message = *msg;
  state->count = 1;
  state->first_timestamp_ns = msg->timestamp_ns;
  state->last_timestamp_ns = msg->timestamp_ns;
  state->period_last_ns = -1;
  state->period_min_ns = -1;
  state->period_max_ns = -1;
  state->changed_mask = 0;
}

/* Per frame, on the feeding thread: no allocation, no call out. */
void
_canopy_id_state_update (CanopyIdState       *state,
                         const CanopyMessage *msg)
{
  guint old_length = _canopy_message_payload_length (&state->message);
  guint new_length = _canopy_message_payload_length (msg);
  guint common = MIN (old_length, new_length);
  gint64 period = msg->timestamp_ns - state->last_timestamp_ns;
  guint64 mask = 0;

  for (guint i = 0; i < common; i++)
    if (state->message.data[i] != msg->data[i])
      mask |= G_GUINT64_CONSTANT (1) << i;
  /* Bytes that appeared or disappeared with a new length changed too. */
  for (guint i = common; i < MAX (old_length, new_length); i++)
    mask |= G_GUINT64_CONSTANT (1) << i;

  if (state->count == 1)
    {
      state->period_min_ns = period;
      state->period_max_ns = period;
    }
  else
    {
      state->period_min_ns = MIN (state->period_min_ns, period);
      state->period_max_ns = MAX (state->period_max_ns, period);
    }
  state->period_last_ns = period;
  state->last_timestamp_ns = msg->timestamp_ns;
  state->changed_mask = mask;
  state->message = *msg;
  state->count++;
}

static gint64
period_mean (const CanopyIdState *state)
{
  /* The mean of the gaps between consecutive frames telescopes to this,
   * so nothing needs summing per frame. */
  if (state->count < 2)
    return -1;

  return (state->last_timestamp_ns - state->first_timestamp_ns) / (gint64) (state->count - 1);
}

CanopyIdRow *
_canopy_id_row_new (const CanopyIdState *state)
{
  CanopyIdRow *self = g_object_new (CANOPY_TYPE_ID_ROW, NULL);

  self->state = *state;

  return self;
}

/* On the table's main context: takes @state and notifies what changed. */
void
_canopy_id_row_update (CanopyIdRow         *self,
                       const CanopyIdState *state)
{
  CanopyIdState old = self->state;

  self->state = *state;

  g_object_freeze_notify (G_OBJECT (self));
  if (memcmp (&old.message, &state->message, sizeof old.message) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
  if (old.count != state->count)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
  if (old.period_last_ns != state->period_last_ns)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERIOD_LAST_NS]);
  if (period_mean (&old) != period_mean (state))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERIOD_MEAN_NS]);
  if (old.period_min_ns != state->period_min_ns)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERIOD_MIN_NS]);
  if (old.period_max_ns != state->period_max_ns)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERIOD_MAX_NS]);
  if (old.changed_mask != state->changed_mask)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANGED_MASK]);
  if (old.first_timestamp_ns != state->first_timestamp_ns)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRST_TIMESTAMP_NS]);
  if (old.last_timestamp_ns != state->last_timestamp_ns)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_TIMESTAMP_NS]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
canopy_id_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CanopyIdRow *self = CANOPY_ID_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      g_value_set_boxed (value, canopy_id_row_get_message (self));
      break;

    case PROP_ARBITRATION_ID:
      g_value_set_uint (value, canopy_id_row_get_arbitration_id (self));
      break;

    case PROP_CHANNEL:
      g_value_set_int (value, canopy_id_row_get_channel (self));
      break;

    case PROP_EXTENDED:
      g_value_set_boolean (value, canopy_id_row_is_extended (self));
      break;

    case PROP_COUNT:
      g_value_set_uint64 (value, canopy_id_row_get_count (self));
      break;

    case PROP_PERIOD_LAST_NS:
      g_value_set_int64 (value, canopy_id_row_get_period_last_ns (self));
      break;

    case PROP_PERIOD_MEAN_NS:
      g_value_set_int64 (value, canopy_id_row_get_period_mean_ns (self));
      break;

    case PROP_PERIOD_MIN_NS:
      g_value_set_int64 (value, canopy_id_row_get_period_min_ns (self));
      break;

    case PROP_PERIOD_MAX_NS:
      g_value_set_int64 (value, canopy_id_row_get_period_max_ns (self));
      break;

    case PROP_CHANGED_MASK:
      g_value_set_uint64 (value, canopy_id_row_get_changed_mask (self));
      break;

    case PROP_FIRST_TIMESTAMP_NS:
      g_value_set_int64 (value, canopy_id_row_get_first_timestamp_ns (self));
      break;

    case PROP_LAST_TIMESTAMP_NS:
      g_value_set_int64 (value, canopy_id_row_get_last_timestamp_ns (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
period_pspec (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL,
                             G_MININT64, G_MAXINT64, -1,
                             (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
}

static void
canopy_id_row_class_init (CanopyIdRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = canopy_id_row_get_property;

  /**
   * CanopyIdRow:message:
   *
   * The latest frame of the identifier.
   */
  properties[PROP_MESSAGE] =
    g_param_spec_boxed ("message", NULL, NULL,
                        CANOPY_TYPE_MESSAGE,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyIdRow:arbitration-id:
   *
   * The identifier; it never changes.
   */
  properties[PROP_ARBITRATION_ID] =
    g_param_spec_uint ("arbitration-id", NULL, NULL,
                       0, G_MAXUINT32, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyIdRow:channel:
   *
   * The channel, or %CANOPY_CHANNEL_NONE; it never changes.
   */
  properties[PROP_CHANNEL] =
    g_param_spec_int ("channel", NULL, NULL,
                      G_MININT16, G_MAXINT16, CANOPY_CHANNEL_NONE,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyIdRow:extended:
   *
   * Whether the identifier is a 29-bit one; it never changes.
   */
  properties[PROP_EXTENDED] =
    g_param_spec_boolean ("extended", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyIdRow:count:
   *
   * How many frames had this identifier.
   */
  properties[PROP_COUNT] =
    g_param_spec_uint64 ("count", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyIdRow:period-last-ns:
   *
   * The time between the last two frames, in nanoseconds; -1 before the
   * second frame.
   */
  properties[PROP_PERIOD_LAST_NS] = period_pspec ("period-last-ns");

  /**
   * CanopyIdRow:period-mean-ns:
   *
   * The mean time between consecutive frames, in nanoseconds; -1 before the
   * second frame.
   */
  properties[PROP_PERIOD_MEAN_NS] = period_pspec ("period-mean-ns");

  /**
   * CanopyIdRow:period-min-ns:
   *
   * The shortest time between consecutive frames, in nanoseconds; -1
   * before the second frame.
   */
  properties[PROP_PERIOD_MIN_NS] = period_pspec ("period-min-ns");

  /**
   * CanopyIdRow:period-max-ns:
   *
   * The longest time between consecutive frames, in nanoseconds; -1 before
   * the second frame.
   */
  properties[PROP_PERIOD_MAX_NS] = period_pspec ("period-max-ns");

  /**
   * CanopyIdRow:changed-mask:
   *
   * Which bytes of the latest frame differ from the frame before it: bit
   * *i* for byte *i*. Bytes that appeared or vanished with a change of
   * length count as changed; the first frame changed nothing.
   */
  properties[PROP_CHANGED_MASK] =
    g_param_spec_uint64 ("changed-mask", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyIdRow:first-timestamp-ns:
   *
   * The timestamp of the first frame, in nanoseconds.
   */
  properties[PROP_FIRST_TIMESTAMP_NS] =
    g_param_spec_int64 ("first-timestamp-ns", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyIdRow:last-timestamp-ns:
   *
   * The timestamp of the latest frame, in nanoseconds.
   */
  properties[PROP_LAST_TIMESTAMP_NS] =
    g_param_spec_int64 ("last-timestamp-ns", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_id_row_init (CanopyIdRow *self)
{
  self->state.message.channel = CANOPY_CHANNEL_NONE;
  self->state.period_last_ns = -1;
  self->state.period_min_ns = -1;
  self->state.period_max_ns = -1;
}

/**
 * canopy_id_row_get_message:
 * @self: a #CanopyIdRow
 *
 * Returns: (transfer none): the latest frame, valid until the row changes
 */
const CanopyMessage *
canopy_id_row_get_message (CanopyIdRow *self)
{
  g_return_val_if_fail (CANOPY_IS_ID_ROW (self), NULL);

  return &self->state.message;
}

/**
 * canopy_id_row_get_arbitration_id:
 * @self: a #CanopyIdRow
 *
 * Returns: the identifier
 */
guint32
canopy_id_row_get_arbitration_id (CanopyIdRow *self)
{
  g_return_val_if_fail (CANOPY_IS_ID_ROW (self), 0);

  return self->state.message.arbitration_id;
}

/**
 * canopy_id_row_get_channel:
 * @self: a #CanopyIdRow
 *
 * Returns: the channel, or %CANOPY_CHANNEL_NONE
 */
int
canopy_id_row_get_channel (CanopyIdRow *self)
{
  g_return_val_if_fail (CANOPY_IS_ID_ROW (self), CANOPY_CHANNEL_NONE);

  return self->state.message.channel;
}

/**
 * canopy_id_row_is_extended:
 * @self: a #CanopyIdRow
 *
 * Returns: whether the identifier has 29 bits
 */
gboolean
canopy_id_row_is_extended (CanopyIdRow *self)
{
  g_return_val_if_fail (CANOPY_IS_ID_ROW (self), FALSE);

  return (self->state.message.flags & CANOPY_MESSAGE_EXTENDED) != 0;
}

/**
 * canopy_id_row_get_count:
 * @self: a #CanopyIdRow
 *
 * Returns: how many frames had this identifier
 */
guint64
canopy_id_row_get_count (CanopyIdRow *self)
{
  g_return_val_if_fail (CANOPY_IS_ID_ROW (self), 0);

  return self->state.count;
}

/**
 * canopy_id_row_get_period_last_ns:
 * @self: a #CanopyIdRow
 *
 * Returns: the time between the last two frames in nanoseconds, or -1
 */
gint64
canopy_id_row_get_period_last_ns (CanopyIdRow *self)
{
  g_return_val_if_fail (CANOPY_IS_ID_ROW (self), -1);

  return self->state.period_last_ns;
}

/**
 * canopy_id_row_get_period_mean_ns:
 * @self: a #CanopyIdRow
 *
 * Returns: the mean time between consecutive frames in nanoseconds, or -1
 */
gint64
canopy_id_row_get_period_mean_ns (CanopyIdRow *self)
{
  g_return_val_if_fail (CANOPY_IS_ID_ROW (self), -1);

  return period_mean (&self->state);
}

/**
 * canopy_id_row_get_period_min_ns:
 * @self: a #CanopyIdRow
 *
 * Returns: the shortest time between consecutive frames in nanoseconds, or -1
 */
gint64
canopy_id_row_get_period_min_ns (CanopyIdRow *self)
{
  g_return_val_if_fail (CANOPY_IS_ID_ROW (self), -1);

  return self->state.period_min_ns;
}

/**
 * canopy_id_row_get_period_max_ns:
 * @self: a #CanopyIdRow
 *
 * Returns: the longest time between consecutive frames in nanoseconds, or -1
 */
gint64
canopy_id_row_get_period_max_ns (CanopyIdRow *self)
{
  g_return_val_if_fail (CANOPY_IS_ID_ROW (self), -1);

  return self->state.period_max_ns;
}

/**
 * canopy_id_row_get_changed_mask:
 * @self: a #CanopyIdRow
 *
 * Returns: bit *i* set when byte *i* of the latest frame differs from the
 *   frame before it
 */
guint64
canopy_id_row_get_changed_mask (CanopyIdRow *self)
{
  g_return_val_if_fail (CANOPY_IS_ID_ROW (self), 0);

  return self->state.changed_mask;
}

/**
 * canopy_id_row_get_first_timestamp_ns:
 * @self: a #CanopyIdRow
 *
 * Returns: the timestamp of the first frame in nanoseconds
 */
gint64
canopy_id_row_get_first_timestamp_ns (CanopyIdRow *self)
{
  g_return_val_if_fail (CANOPY_IS_ID_ROW (self), 0);

  return self->state.first_timestamp_ns;
}

/**
 * canopy_id_row_get_last_timestamp_ns:
 * @self: a #CanopyIdRow
 *
 * Returns: the timestamp of the latest frame in nanoseconds
 */
gint64
canopy_id_row_get_last_timestamp_ns (CanopyIdRow *self)
{
  g_return_val_if_fail (CANOPY_IS_ID_ROW (self), 0);

  return self->state.last_timestamp_ns;
}
