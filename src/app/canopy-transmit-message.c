/* canopy-transmit-message.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "canopy-transmit-message.h"

/* One row of the Transmit pane: what to send (id, flags, payload, period,
 * an optional count or duration, a counter byte) and, while it runs, the
 * engine's cyclic task that sends it. The task runs on Canopy's own
 * scheduler on every bus, so the counter byte, the sent count and the
 * achieved period work everywhere. The figures are polled (refresh()) by
 * the pane a few times a second; nothing here waits for the bus. */

struct _CanopyTransmitMessage
{
  GObject           parent_instance;

  /* What to send. */
  guint32           id;
  gboolean          extended;
  gboolean          fd;
  gboolean          brs;
  guint8            data[CANOPY_MESSAGE_MAX_DATA];
  gsize             len;
  double            period_ms;
  guint             count;
  double            duration;
  int               counter_byte;

  /* How it goes. */
  CanopyCyclicTask *task;
  gboolean          running;
  guint64           sent_before;   /* by tasks dropped since (an edit, a new bus) */
  guint64           sent;
  double            achieved_period;
  char             *error;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_EXTENDED,
  PROP_FD,
  PROP_BRS,
  PROP_DATA,
  PROP_PERIOD_MS,
  PROP_COUNT,
  PROP_DURATION,
  PROP_COUNTER_BYTE,
  PROP_RUNNING,
  PROP_SENT,
  PROP_ACHIEVED_PERIOD,
  PROP_ERROR,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyTransmitMessage, canopy_transmit_message, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
set_running (CanopyTransmitMessage *self,
             gboolean               running)
{
  if (self->running == !!running)
    return;
  self->running = !!running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
set_error (CanopyTransmitMessage *self,
           const char            *error)
{
  if (g_strcmp0 (self->error, error) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/* The task notifies on the main context, also when it ends by itself (its
 * count or duration is over, the bus went away). */
static void
on_task_running (CanopyTransmitMessage *self)
{
  if (self->task != NULL && !canopy_cyclic_task_is_running (self->task))
    {
      canopy_transmit_message_refresh (self);
      set_running (self, FALSE);
    }
}

static void
on_task_error (CanopyTransmitMessage *self)
{
  g_autoptr(GError) error = self->task != NULL ? canopy_cyclic_task_dup_error (self->task) : NULL;

  set_error (self, error != NULL ? error->message : NULL);
}

static void
drop_task (CanopyTransmitMessage *self)
{
  if (self->task == NULL)
    return;

  canopy_cyclic_task_stop (self->task);
  self->sent_before += canopy_cyclic_task_get_sent (self->task);
  g_signal_handlers_disconnect_by_data (self->task, self);
  g_clear_object (&self->task);
  set_running (self, FALSE);
}

static void
canopy_transmit_message_dispose (GObject *object)
{
  CanopyTransmitMessage *self = CANOPY_TRANSMIT_MESSAGE (object);

  /* A removed row sends no more: the task would keep itself alive. */
  drop_task (self);

  G_OBJECT_CLASS (canopy_transmit_message_parent_class)->dispose (object);
}

static void
canopy_transmit_message_finalize (GObject *object)
{
  CanopyTransmitMessage *self = CANOPY_TRANSMIT_MESSAGE (object);

  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (canopy_transmit_message_parent_class)->finalize (object);
}

static void
canopy_transmit_message_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  CanopyTransmitMessage *self = CANOPY_TRANSMIT_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_uint (value, self->id);
      break;

    case PROP_EXTENDED:
      g_value_set_boolean (value, self->extended);
      break;

    case PROP_FD:
      g_value_set_boolean (value, self->fd);
      break;

    case PROP_BRS:
      g_value_set_boolean (value, self->brs);
      break;

    case PROP_DATA:
      g_value_take_boxed (value, g_bytes_new (self->data, self->len));
      break;

    case PROP_PERIOD_MS:
      g_value_set_double (value, self->period_ms);
      break;

    case PROP_COUNT:
      g_value_set_uint (value, self->count);
      break;

    case PROP_DURATION:
      g_value_set_double (value, self->duration);
      break;

    case PROP_COUNTER_BYTE:
      g_value_set_int (value, self->counter_byte);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;

    case PROP_SENT:
      g_value_set_uint64 (value, self->sent);
      break;

    case PROP_ACHIEVED_PERIOD:
      g_value_set_double (value, self->achieved_period);
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_transmit_message_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  CanopyTransmitMessage *self = CANOPY_TRANSMIT_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      canopy_transmit_message_set_id (self, g_value_get_uint (value));
      break;

    case PROP_EXTENDED:
      canopy_transmit_message_set_extended (self, g_value_get_boolean (value));
      break;

    case PROP_FD:
      canopy_transmit_message_set_fd (self, g_value_get_boolean (value));
      break;

    case PROP_BRS:
      canopy_transmit_message_set_brs (self, g_value_get_boolean (value));
      break;

    case PROP_DATA:
      {
        GBytes *bytes = g_value_get_boxed (value);
        gsize len = 0;
        const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

        canopy_transmit_message_set_data (self, data, MIN (len, sizeof self->data));
      }
      break;

    case PROP_PERIOD_MS:
      canopy_transmit_message_set_period_ms (self, g_value_get_double (value));
      break;

    case PROP_COUNT:
      canopy_transmit_message_set_count (self, g_value_get_uint (value));
      break;

    case PROP_DURATION:
      canopy_transmit_message_set_duration (self, g_value_get_double (value));
      break;

    case PROP_COUNTER_BYTE:
      canopy_transmit_message_set_counter_byte (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_transmit_message_class_init (CanopyTransmitMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = canopy_transmit_message_dispose;
  object_class->finalize = canopy_transmit_message_finalize;
  object_class->get_property = canopy_transmit_message_get_property;
  object_class->set_property = canopy_transmit_message_set_property;

  properties[PROP_ID] = g_param_spec_uint ("id", NULL, NULL, 0, 0x1fffffff, 0x100, rw);
  properties[PROP_EXTENDED] = g_param_spec_boolean ("extended", NULL, NULL, FALSE, rw);
  properties[PROP_FD] = g_param_spec_boolean ("fd", NULL, NULL, FALSE, rw);
  properties[PROP_BRS] = g_param_spec_boolean ("brs", NULL, NULL, FALSE, rw);
  properties[PROP_DATA] = g_param_spec_boxed ("data", NULL, NULL, G_TYPE_BYTES, rw);
  properties[PROP_PERIOD_MS] =
    g_param_spec_double ("period-ms", NULL, NULL, 0, CANOPY_TRANSMIT_MAX_PERIOD_MS, 100, rw);
  /* 0: no limit. A message has a count or a duration, not both. */
  properties[PROP_COUNT] = g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_DURATION] = g_param_spec_double ("duration", NULL, NULL, 0, G_MAXDOUBLE, 0, rw);
  properties[PROP_COUNTER_BYTE] =
    g_param_spec_int ("counter-byte", NULL, NULL, -1, CANOPY_MESSAGE_MAX_DATA - 1, -1, rw);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  /* Polled: refresh() notifies when they changed. */
  properties[PROP_SENT] = g_param_spec_uint64 ("sent", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_ACHIEVED_PERIOD] =
    g_param_spec_double ("achieved-period", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_transmit_message_init (CanopyTransmitMessage *self)
{
  self->id = 0x100;
  self->len = 8;
  self->period_ms = 100;
  self->counter_byte = -1;
}

CanopyTransmitMessage *
canopy_transmit_message_new (void)
{
  return g_object_new (CANOPY_TYPE_TRANSMIT_MESSAGE, NULL);
}

/* The definition only: a duplicate does not run. */
static void
copy_definition (CanopyTransmitMessage *dst,
                 CanopyTransmitMessage *src)
{
  g_object_freeze_notify (G_OBJECT (dst));
  canopy_transmit_message_set_id (dst, src->id);
  canopy_transmit_message_set_extended (dst, src->extended);
  canopy_transmit_message_set_fd (dst, src->fd);
  canopy_transmit_message_set_brs (dst, src->brs);
  canopy_transmit_message_set_data (dst, src->data, src->len);
  canopy_transmit_message_set_period_ms (dst, src->period_ms);
  canopy_transmit_message_set_count (dst, src->count);
  canopy_transmit_message_set_duration (dst, src->duration);
  canopy_transmit_message_set_counter_byte (dst, src->counter_byte);
  g_object_thaw_notify (G_OBJECT (dst));
}

CanopyTransmitMessage *
canopy_transmit_message_copy (CanopyTransmitMessage *self)
{
  CanopyTransmitMessage *copy;

  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), NULL);

  copy = canopy_transmit_message_new ();
  copy_definition (copy, self);
  return copy;
}

/**
 * canopy_transmit_message_validate:
 *
 * Checks the definition, with a message a user acts on.
 */
gboolean
canopy_transmit_message_validate (CanopyTransmitMessage  *self,
                                  GError                **error)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), FALSE);

  if (!self->extended && self->id > 0x7ff)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("The ID %X has more than 11 bits: tick Extended for a 29-bit ID."), self->id);
      return FALSE;
    }
  if (self->id > 0x1fffffff)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("The ID %X has more than 29 bits."), self->id);
      return FALSE;
    }
  if (!self->fd && self->len > 8)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("A classic CAN frame carries up to 8 bytes, not %u: tick CAN FD for more."),
                   (guint) self->len);
      return FALSE;
    }
  if (self->fd && !canopy_length_is_valid (self->len))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("A CAN FD frame carries 0 to 8, 12, 16, 20, 24, 32, 48 or 64 bytes, not %u."),
                   (guint) self->len);
      return FALSE;
    }
  if (self->brs && !self->fd)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           _("Only a CAN FD frame can switch its bit rate."));
      return FALSE;
    }
  if (!(self->period_ms >= CANOPY_TRANSMIT_MIN_PERIOD_MS && self->period_ms <= CANOPY_TRANSMIT_MAX_PERIOD_MS))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("The period must be between %g ms and %g ms."),
                   CANOPY_TRANSMIT_MIN_PERIOD_MS, CANOPY_TRANSMIT_MAX_PERIOD_MS);
      return FALSE;
    }
  if (self->count > 0 && self->duration > 0)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           _("Give a count or a duration, not both."));
      return FALSE;
    }
  if (self->counter_byte >= (int) self->len)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("The counter byte must be one of the %u data bytes (0 to %d)."),
                   (guint) self->len, (int) self->len - 1);
      return FALSE;
    }

  return TRUE;
}

/**
 * canopy_transmit_message_build:
 * @msg: (out caller-allocates): the frame
 *
 * The frame as defined, before the counter byte counts.
 */
void
canopy_transmit_message_build (CanopyTransmitMessage *self,
                               CanopyMessage         *msg)
{
  g_return_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self));
  g_return_if_fail (msg != NULL);

  canopy_message_init (msg, self->id, self->extended, self->data, self->len);
  if (self->fd)
    msg->flags |= CANOPY_MESSAGE_FD;
  if (self->fd && self->brs)
    msg->flags |= CANOPY_MESSAGE_BRS;
}

static CanopyCyclicTask *
create_task (CanopyTransmitMessage  *self,
             CanopyBus              *bus,
             GError                **error)
{
  g_autoptr(CanopyCyclicTask) task = NULL;
  CanopyMessage msg;
  double period = self->period_ms / 1000.0;

  canopy_transmit_message_build (self, &msg);
  if (!canopy_message_validate (&msg, error))
    return NULL;

  /* On Canopy's scheduler whatever the bus (not a driver's broadcast
   * manager): the counter byte and the figures work everywhere. A count is
   * a multi-rate task with no second rate: it ends after its frames. */
  if (self->count > 0)
    task = g_object_new (CANOPY_TYPE_CYCLIC_TASK,
                         "bus", bus,
                         "message", &msg,
                         "count", self->count,
                         "initial-period", period,
                         "period", 0.0,
                         NULL);
  else
    task = g_object_new (CANOPY_TYPE_CYCLIC_TASK,
                         "bus", bus,
                         "message", &msg,
                         "period", period,
                         "duration", self->duration,
                         NULL);

  if (!canopy_cyclic_task_set_counter_byte (task, self->counter_byte, error))
    return NULL;

  return g_steal_pointer (&task);
}

/**
 * canopy_transmit_message_start:
 *
 * Starts sending on @bus: the first frame at once, then one a period. A
 * count or a duration starts afresh with each start.
 */
gboolean
canopy_transmit_message_start (CanopyTransmitMessage  *self,
                               CanopyBus              *bus,
                               GError                **error)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), FALSE);
  g_return_val_if_fail (CANOPY_IS_BUS (bus), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->running && self->task != NULL && canopy_cyclic_task_get_bus (self->task) == bus)
    return TRUE;

  if (!canopy_transmit_message_validate (self, error))
    return FALSE;

  /* A task is bound to its bus: a new connection needs a new one. */
  if (self->task != NULL && canopy_cyclic_task_get_bus (self->task) != bus)
    drop_task (self);

  if (self->task == NULL)
    {
      self->task = create_task (self, bus, error);
      if (self->task == NULL)
        return FALSE;
      g_signal_connect_object (self->task, "notify::running",
                               G_CALLBACK (on_task_running), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->task, "notify::error",
                               G_CALLBACK (on_task_error), self, G_CONNECT_SWAPPED);
    }

  set_error (self, NULL);
  if (!canopy_cyclic_task_start (self->task, error))
    return FALSE;

  set_running (self, TRUE);
  canopy_transmit_message_refresh (self);
  return TRUE;
}

/**
 * canopy_transmit_message_stop:
 *
 * No frame of this message goes out after this returns. The figures stay.
 */
void
canopy_transmit_message_stop (CanopyTransmitMessage *self)
{
  g_return_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self));

  if (self->task != NULL)
    canopy_cyclic_task_stop (self->task);
  canopy_transmit_message_refresh (self);
  set_running (self, FALSE);
}

static gboolean
same_schedule (CanopyTransmitMessage *a,
               CanopyTransmitMessage *b)
{
  return a->id == b->id && a->extended == b->extended &&
         a->period_ms == b->period_ms && a->count == b->count && a->duration == b->duration;
}

/**
 * canopy_transmit_message_update:
 * @edited: the new definition
 *
 * Takes the definition of @edited. A running message goes on running: with
 * the same id and timing its task only gets the new payload, flags and
 * counter byte, keeping its schedule (no gap, no extra frame); otherwise
 * the task starts over with the new definition.
 */
gboolean
canopy_transmit_message_update (CanopyTransmitMessage  *self,
                                CanopyTransmitMessage  *edited,
                                GError                **error)
{
  g_autoptr(CanopyBus) bus = NULL;
  gboolean was_running;

  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), FALSE);
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (edited), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!canopy_transmit_message_validate (edited, error))
    return FALSE;

  if (self->task != NULL && same_schedule (self, edited))
    {
      gboolean new_counter = canopy_cyclic_task_get_counter_byte (self->task) != edited->counter_byte;
      /* The counter first where the current payload has its byte: a frame
       * going out between the two calls then already counts, so the
       * sequence has no repeat (it goes on from the current byte). */
      gboolean counter_first = new_counter && edited->counter_byte < (int) self->len;
      CanopyMessage msg;

      canopy_transmit_message_build (edited, &msg);
      if (counter_first &&
          !canopy_cyclic_task_set_counter_byte (self->task, edited->counter_byte, error))
        return FALSE;
      if (!canopy_cyclic_task_modify_message (self->task, &msg, error))
        return FALSE;
      if (new_counter && !counter_first &&
          !canopy_cyclic_task_set_counter_byte (self->task, edited->counter_byte, error))
        return FALSE;
      copy_definition (self, edited);
      return TRUE;
    }

  was_running = self->running;
  if (self->task != NULL)
    bus = g_object_ref (canopy_cyclic_task_get_bus (self->task));
  drop_task (self);
  copy_definition (self, edited);

  if (was_running && bus != NULL)
    return canopy_transmit_message_start (self, bus, error);
  return TRUE;
}

/**
 * canopy_transmit_message_refresh:
 *
 * Reads the task's figures (sent frames, achieved period); a short lock in
 * the engine, no I/O.
 */
void
canopy_transmit_message_refresh (CanopyTransmitMessage *self)
{
  guint64 sent;
  double achieved;

  g_return_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self));

  if (self->task == NULL)
    return;

  sent = self->sent_before + canopy_cyclic_task_get_sent (self->task);
  achieved = canopy_cyclic_task_get_measured_period (self->task);

  if (sent != self->sent)
    {
      self->sent = sent;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENT]);
    }
  if (achieved != self->achieved_period)
    {
      self->achieved_period = achieved;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACHIEVED_PERIOD]);
    }
}

/* Accessors. Setters notify only on change; they do not reach a running
 * task (canopy_transmit_message_update() does). */

guint32
canopy_transmit_message_get_id (CanopyTransmitMessage *self)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), 0);
  return self->id;
}

void
canopy_transmit_message_set_id (CanopyTransmitMessage *self,
                                guint32                id)
{
  g_return_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self));
  if (self->id == id)
    return;
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

gboolean
canopy_transmit_message_get_extended (CanopyTransmitMessage *self)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), FALSE);
  return self->extended;
}

void
canopy_transmit_message_set_extended (CanopyTransmitMessage *self,
                                      gboolean               extended)
{
  g_return_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self));
  if (self->extended == !!extended)
    return;
  self->extended = !!extended;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXTENDED]);
}

gboolean
canopy_transmit_message_get_fd (CanopyTransmitMessage *self)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), FALSE);
  return self->fd;
}

void
canopy_transmit_message_set_fd (CanopyTransmitMessage *self,
                                gboolean               fd)
{
  g_return_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self));
  if (self->fd == !!fd)
    return;
  self->fd = !!fd;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FD]);
}

gboolean
canopy_transmit_message_get_brs (CanopyTransmitMessage *self)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), FALSE);
  return self->brs;
}

void
canopy_transmit_message_set_brs (CanopyTransmitMessage *self,
                                 gboolean               brs)
{
  g_return_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self));
  if (self->brs == !!brs)
    return;
  self->brs = !!brs;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BRS]);
}

/**
 * canopy_transmit_message_get_data:
 * @len: (out): the payload length
 *
 * Returns: (array length=len) (transfer none): the payload
 */
const guint8 *
canopy_transmit_message_get_data (CanopyTransmitMessage *self,
                                  gsize                 *len)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), NULL);
  g_return_val_if_fail (len != NULL, NULL);

  *len = self->len;
  return self->data;
}

void
canopy_transmit_message_set_data (CanopyTransmitMessage *self,
                                  const guint8          *data,
                                  gsize                  len)
{
  g_return_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self));
  g_return_if_fail (data != NULL || len == 0);
  g_return_if_fail (len <= CANOPY_MESSAGE_MAX_DATA);

  if (self->len == len && (len == 0 || memcmp (self->data, data, len) == 0))
    return;
  memset (self->data, 0, sizeof self->data);
  if (len > 0)
    memcpy (self->data, data, len);
  self->len = len;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATA]);
}

double
canopy_transmit_message_get_period_ms (CanopyTransmitMessage *self)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), 0);
  return self->period_ms;
}

void
canopy_transmit_message_set_period_ms (CanopyTransmitMessage *self,
                                       double                 period_ms)
{
  g_return_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self));
  if (self->period_ms == period_ms)
    return;
  self->period_ms = period_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERIOD_MS]);
}

guint
canopy_transmit_message_get_count (CanopyTransmitMessage *self)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), 0);
  return self->count;
}

void
canopy_transmit_message_set_count (CanopyTransmitMessage *self,
                                   guint                  count)
{
  g_return_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self));
  if (self->count == count)
    return;
  self->count = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
}

double
canopy_transmit_message_get_duration (CanopyTransmitMessage *self)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), 0);
  return self->duration;
}

void
canopy_transmit_message_set_duration (CanopyTransmitMessage *self,
                                      double                 duration)
{
  g_return_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self));
  if (self->duration == duration)
    return;
  self->duration = duration;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
}

int
canopy_transmit_message_get_counter_byte (CanopyTransmitMessage *self)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), -1);
  return self->counter_byte;
}

void
canopy_transmit_message_set_counter_byte (CanopyTransmitMessage *self,
                                          int                    index)
{
  g_return_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self));
  g_return_if_fail (index >= -1 && index < CANOPY_MESSAGE_MAX_DATA);
  if (self->counter_byte == index)
    return;
  self->counter_byte = index;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTER_BYTE]);
}

gboolean
canopy_transmit_message_get_running (CanopyTransmitMessage *self)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), FALSE);
  return self->running;
}

guint64
canopy_transmit_message_get_sent (CanopyTransmitMessage *self)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), 0);
  return self->sent;
}

/**
 * canopy_transmit_message_get_achieved_period:
 *
 * Returns: the mean seconds between the frames of the current (or last)
 *   run, 0 before two frames went out
 */
double
canopy_transmit_message_get_achieved_period (CanopyTransmitMessage *self)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), 0);
  return self->achieved_period;
}

/**
 * canopy_transmit_message_get_error:
 *
 * Returns: (nullable): why the task could not send, since it last started
 */
const char *
canopy_transmit_message_get_error (CanopyTransmitMessage *self)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), NULL);
  return self->error;
}
