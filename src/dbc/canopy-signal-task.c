/* canopy-signal-task.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-error.h"
#include "canopy-signal-task.h"

#include "canopy-checksum-private.h"
#include "canopy-cyclic-task-private.h"
#include "canopy-dbc-private.h"

/**
 * CanopySignalTask:
 *
 * A cyclic task whose payload comes from signal values: the frames of one
 * message of a [class@Canopy.Database], sent every `GenMsgCycleTime` (or a
 * given period). [method@Canopy.SignalTask.set_value] changes a signal
 * while the task runs, without disturbing the timing (it is
 * [method@Canopy.CyclicTask.modify_data] underneath).
 *
 * Automatic fields are filled in for every frame on the scheduler thread,
 * just before it goes out, without allocating: a rolling counter
 * ([method@Canopy.SignalTask.set_counter]) that counts 0, 1, … up to the
 * signal's maximum and wraps, and then a checksum
 * ([method@Canopy.SignalTask.set_checksum]) over every other byte of the
 * payload, counter included, followed by a data id chosen by the counter
 * (AUTOSAR E2E profile 2 with CRC-8H2F and a list of 16 data ids; Volkswagen
 * MQB's checksums are this). Because of that hook the task always runs on
 * Canopy's own scheduler thread, also on SocketCAN, whose kernel broadcast
 * manager cannot change a frame per send.
 */

#define MAX_DATA_IDS 256

/* What the scheduler thread needs per frame; owned by the cyclic task. */
typedef struct
{
  CanopySignalDef    *counter;
  guint64             counter_value;
  guint64             counter_max;
  CanopySignalDef    *checksum;
  CanopyChecksumKind  kind;
  guint8              checksum_first;   /* its bytes, excluded from the sum */
  guint8              checksum_last;
  guint               n_data_ids;
  guint8              data_ids[MAX_DATA_IDS];
} FrameFields;

struct _CanopySignalTask
{
  GObject           parent_instance;

  CanopyMessageDef *message;
  CanopyCyclicTask *task;
  FrameFields      *fields;   /* owned by task */
  double            period;

  GMutex            lock;     /* bits, and building the frame from them */
  guint64          *bits;
};

G_DEFINE_FINAL_TYPE (CanopySignalTask, canopy_signal_task, G_TYPE_OBJECT)

static void
frame_fields_free (gpointer data)
{
  FrameFields *fields = data;

  g_clear_object (&fields->counter);
  g_clear_object (&fields->checksum);
  g_free (fields);
}

/* On the scheduler thread, once per frame: no lock, no allocation. */
static void
prepare_frame (CanopyMessage *msg,
               gpointer       user_data)
{
  FrameFields *fields = user_data;
  guint64 counter = fields->counter_value;

  if (fields->counter != NULL)
    {
      _canopy_signal_def_insert (fields->counter, msg->data, counter);
      fields->counter_value = counter >= fields->counter_max ? 0 : counter + 1;
    }

  if (fields->checksum != NULL)
    {
      CanopyChecksumKind kind = fields->kind;
      guint len = MIN (msg->dlc, CANOPY_MESSAGE_MAX_DATA);
      guint state = _canopy_checksum_begin (kind);

      state = _canopy_checksum_update (kind, state, msg->data, MIN (fields->checksum_first, len));
      if (fields->checksum_last + 1u < len)
        state = _canopy_checksum_update (kind, state, msg->data + fields->checksum_last + 1,
                                         len - fields->checksum_last - 1);
      if (fields->n_data_ids > 0)
        state = _canopy_checksum_update (kind, state, &fields->data_ids[counter % fields->n_data_ids], 1);
      _canopy_signal_def_insert (fields->checksum, msg->data, _canopy_checksum_end (kind, state));
    }
}

static void
canopy_signal_task_finalize (GObject *object)
{
  CanopySignalTask *self = CANOPY_SIGNAL_TASK (object);

  /* A running cyclic task keeps itself, and its frame fields, alive. */
  g_clear_object (&self->task);
  g_clear_object (&self->message);
  g_free (self->bits);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (canopy_signal_task_parent_class)->finalize (object);
}

static void
canopy_signal_task_class_init (CanopySignalTaskClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = canopy_signal_task_finalize;
}

static void
canopy_signal_task_init (CanopySignalTask *self)
{
  g_mutex_init (&self->lock);
}

/* The frame from the current values, with self->lock held. */
static void
build_frame_locked (CanopySignalTask *self,
                    CanopyMessage    *frame)
{
  canopy_message_def_init_frame (self->message, frame);
  _canopy_message_def_pack (self->message, self->bits, NULL, frame->data, NULL);
}

static CanopySignalDef *
find_signal (CanopySignalTask  *self,
             const char        *name,
             guint             *index,
             GError           **error)
{
  CanopySignalDef *signal = canopy_message_def_lookup_signal (self->message, name);

  if (signal == NULL || !g_ptr_array_find (self->message->signals, signal, index))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Message %s has no signal %s", self->message->name, name);
      return NULL;
    }
  return signal;
}

/**
 * canopy_signal_task_new:
 * @bus: the bus to send on
 * @message: the message to send
 * @period: seconds between frames; 0 or less takes the message's
 *   `GenMsgCycleTime`
 * @error: return location for a #GError
 *
 * Creates a stopped signal-level task. Every signal starts at its
 * `GenSigStartValue` (or a raw 0). Configure a counter and a checksum, set
 * values, then call canopy_signal_task_start().
 *
 * Returns: (transfer full): the task, or %NULL with @error set when no
 *   period is given or known
 */
CanopySignalTask *
canopy_signal_task_new (CanopyBus         *bus,
                        CanopyMessageDef  *message,
                        double             period,
                        GError           **error)
{
  g_autoptr(CanopySignalTask) self = NULL;
  CanopyMessage frame;

  g_return_val_if_fail (CANOPY_IS_BUS (bus), NULL);
  g_return_val_if_fail (CANOPY_IS_MESSAGE_DEF (message), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(period > 0))
    period = message->cycle_time_ms / 1000.0;
  if (!(period >= 1e-6))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Message %s has no GenMsgCycleTime: give the task a period", message->name);
      return NULL;
    }

  self = g_object_new (CANOPY_TYPE_SIGNAL_TASK, NULL);
  self->message = g_object_ref (message);
  self->period = period;
  self->bits = g_new (guint64, MAX (message->signals->len, 1));
  for (guint i = 0; i < message->signals->len; i++)
    self->bits[i] = _canopy_message_def_start_bits (message, i);
  build_frame_locked (self, &frame);

  /* The generic task, whatever the bus: only it can run the per-frame hook. */
  self->task = g_object_new (CANOPY_TYPE_CYCLIC_TASK,
                             "bus", bus,
                             "message", &frame,
                             "period", period,
                             NULL);
  self->fields = g_new0 (FrameFields, 1);
  _canopy_cyclic_task_set_prepare_func (self->task, prepare_frame, self->fields, frame_fields_free);

  return g_steal_pointer (&self);
}

/**
 * canopy_signal_task_set_values:
 * @self: a signal task
 * @names: (array length=n_values): signal names
 * @values: (array length=n_values): their physical values
 * @n_values: how many there are
 * @error: return location for a #GError
 *
 * Changes several signals at once: the next frame carries all of them, or,
 * when one is unknown or out of range, none.
 *
 * Returns: %TRUE if the frames carry the new values from now on
 */
gboolean
canopy_signal_task_set_values (CanopySignalTask    *self,
                               const char * const  *names,
                               const double        *values,
                               gsize                n_values,
                               GError             **error)
{
  g_autofree guint64 *bits = NULL;
  CanopyMessage frame;
  guint n;

  g_return_val_if_fail (CANOPY_IS_SIGNAL_TASK (self), FALSE);
  g_return_val_if_fail (names != NULL || n_values == 0, FALSE);
  g_return_val_if_fail (values != NULL || n_values == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n = self->message->signals->len;
  bits = g_new (guint64, MAX (n, 1));

  g_mutex_lock (&self->lock);
  memcpy (bits, self->bits, n * sizeof (guint64));
  g_mutex_unlock (&self->lock);

  for (gsize k = 0; k < n_values; k++)
    {
      CanopySignalDef *signal;
      guint i;

      if (!(signal = find_signal (self, names[k], &i, error)) ||
          !_canopy_signal_def_to_bits (signal, values[k], &bits[i], error))
        return FALSE;
    }

  g_mutex_lock (&self->lock);
  for (gsize k = 0; k < n_values; k++)
    {
      guint i;

      find_signal (self, names[k], &i, NULL);
      self->bits[i] = bits[i];
    }
  build_frame_locked (self, &frame);
  /* Under the lock: two callers' frames reach the task in their order. */
  canopy_cyclic_task_modify_message (self->task, &frame, NULL);
  g_mutex_unlock (&self->lock);

  return TRUE;
}

/**
 * canopy_signal_task_set_value:
 * @self: a signal task
 * @name: a signal of the task's message
 * @value: its new physical value
 * @error: return location for a #GError
 *
 * Changes one signal; the next frame due carries it, and the timing stays
 * as it is.
 *
 * Returns: %TRUE if the frames carry the new value from now on, %FALSE
 *   with @error naming the signal if it is unknown, out of range or not
 *   representable
 */
gboolean
canopy_signal_task_set_value (CanopySignalTask  *self,
                              const char        *name,
                              double             value,
                              GError           **error)
{
  const char *names[] = { name };

  g_return_val_if_fail (name != NULL, FALSE);
  return canopy_signal_task_set_values (self, names, &value, 1, error);
}

/**
 * canopy_signal_task_get_value:
 * @self: a signal task
 * @name: a signal of the task's message
 *
 * Returns: the physical value the task sends for @name (for the counter
 *   and checksum, the value before they are filled in), 0 if unknown
 */
double
canopy_signal_task_get_value (CanopySignalTask *self,
                              const char       *name)
{
  CanopySignalDef *signal;
  double value;
  guint i;

  g_return_val_if_fail (CANOPY_IS_SIGNAL_TASK (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  if (!(signal = find_signal (self, name, &i, NULL)))
    return 0;

  g_mutex_lock (&self->lock);
  value = _canopy_signal_def_physical (signal, self->bits[i]);
  g_mutex_unlock (&self->lock);

  return value;
}

static gboolean
check_stopped (CanopySignalTask  *self,
               GError           **error)
{
  if (canopy_cyclic_task_is_running (self->task) || canopy_cyclic_task_get_sent (self->task) > 0)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "The counter and checksum of a signal task are set before it first starts");
      return FALSE;
    }
  return TRUE;
}

/**
 * canopy_signal_task_set_counter:
 * @self: a signal task that has not started yet
 * @name: an unsigned integer signal of the task's message
 * @error: return location for a #GError
 *
 * Makes @name a rolling counter: 0 in the first frame, one more in each
 * following frame, back to 0 after the signal's maximum (its range's
 * maximum when one is given and below 2^length − 1).
 *
 * Returns: %TRUE if the task counts in @name
 */
gboolean
canopy_signal_task_set_counter (CanopySignalTask  *self,
                                const char        *name,
                                GError           **error)
{
  CanopySignalDef *signal;
  guint64 max;
  guint i;

  g_return_val_if_fail (CANOPY_IS_SIGNAL_TASK (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_stopped (self, error) || !(signal = find_signal (self, name, &i, error)))
    return FALSE;
  if (signal->value_type != CANOPY_SIGNAL_VALUE_TYPE_INTEGER || signal->is_signed || signal->length > 32)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Signal %s cannot be a counter: it is not an unsigned integer of up to 32 bits", name);
      return FALSE;
    }

  max = (G_GUINT64_CONSTANT (1) << signal->length) - 1;
  if (signal->factor == 1 && signal->offset == 0 && signal->minimum < signal->maximum &&
      signal->maximum >= 1 && signal->maximum < (double) max)
    max = (guint64) signal->maximum;

  g_set_object (&self->fields->counter, signal);
  self->fields->counter_max = max;
  self->fields->counter_value = 0;
  return TRUE;
}

/**
 * canopy_signal_task_set_checksum:
 * @self: a signal task that has not started yet
 * @name: a byte-aligned signal of 8 bits (16 for CRC-16) of the message
 * @kind: the checksum
 * @data_ids: (array length=n_data_ids) (nullable): data ids: one, or a list
 *   indexed by the counter (AUTOSAR E2E profile 2 has 16)
 * @n_data_ids: how many (at most 256)
 * @error: return location for a #GError
 *
 * Fills @name in every frame, after the counter, with a checksum over the
 * payload's other bytes in order, followed by the data id (when given)
 * that the counter's value selects: `data_ids[counter % n_data_ids]`.
 *
 * Returns: %TRUE if the task computes the checksum
 */
gboolean
canopy_signal_task_set_checksum (CanopySignalTask    *self,
                                 const char          *name,
                                 CanopyChecksumKind   kind,
                                 const guint8        *data_ids,
                                 gsize                n_data_ids,
                                 GError             **error)
{
  CanopySignalDef *signal;
  guint i;

  g_return_val_if_fail (CANOPY_IS_SIGNAL_TASK (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (kind <= CANOPY_CHECKSUM_CRC16_CCITT, FALSE);
  g_return_val_if_fail (data_ids != NULL || n_data_ids == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_stopped (self, error) || !(signal = find_signal (self, name, &i, error)))
    return FALSE;
  if (signal->length != canopy_checksum_get_width (kind) || signal->lsb_shift != 0 ||
      signal->value_type != CANOPY_SIGNAL_VALUE_TYPE_INTEGER)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Signal %s cannot hold this checksum: it needs %u bits on a byte boundary",
                   name, canopy_checksum_get_width (kind));
      return FALSE;
    }
  if (n_data_ids > MAX_DATA_IDS)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "%" G_GSIZE_FORMAT " data ids: at most %d", n_data_ids, MAX_DATA_IDS);
      return FALSE;
    }

  g_set_object (&self->fields->checksum, signal);
  self->fields->kind = kind;
  self->fields->checksum_last = signal->last_byte;
  self->fields->checksum_first = signal->last_byte + 1 - signal->n_bytes;
  self->fields->n_data_ids = n_data_ids;
  if (n_data_ids > 0)
    memcpy (self->fields->data_ids, data_ids, n_data_ids);
  return TRUE;
}

/**
 * canopy_signal_task_start:
 * @self: a signal task
 * @error: return location for a #GError
 *
 * Starts sending; the first frame goes out at once.
 *
 * Returns: %TRUE if the task runs
 */
gboolean
canopy_signal_task_start (CanopySignalTask  *self,
                          GError           **error)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_TASK (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return canopy_cyclic_task_start (self->task, error);
}

/**
 * canopy_signal_task_stop:
 * @self: a signal task
 *
 * Stops sending; no frame goes out after it returns.
 */
void
canopy_signal_task_stop (CanopySignalTask *self)
{
  g_return_if_fail (CANOPY_IS_SIGNAL_TASK (self));
  canopy_cyclic_task_stop (self->task);
}

/**
 * canopy_signal_task_get_cyclic_task:
 * @self: a signal task
 *
 * Returns: (transfer none): the cyclic task underneath, for its counters
 *   (sent, missed) and state
 */
CanopyCyclicTask *
canopy_signal_task_get_cyclic_task (CanopySignalTask *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_TASK (self), NULL);
  return self->task;
}

/**
 * canopy_signal_task_get_message_def:
 * @self: a signal task
 *
 * Returns: (transfer none): the message the task sends
 */
CanopyMessageDef *
canopy_signal_task_get_message_def (CanopySignalTask *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_TASK (self), NULL);
  return self->message;
}

/**
 * canopy_signal_task_get_period:
 * @self: a signal task
 *
 * Returns: the seconds between frames
 */
double
canopy_signal_task_get_period (CanopySignalTask *self)
{
  g_return_val_if_fail (CANOPY_IS_SIGNAL_TASK (self), 0);
  return self->period;
}
