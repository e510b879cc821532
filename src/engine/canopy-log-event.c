/* canopy-log-event.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-log-event-private.h"

/**
 * CanopyLogEvent:
 *
 * Something a log records beside frames: an application text (a
 * measurement comment, channel information, metadata) or a marker (what
 * python-can's `log_event()` writes). BLF files carry both (APP_TEXT and
 * GLOBAL_MARKER objects); read them with
 * canopy_log_reader_next_with_events() and write them with
 * canopy_log_writer_write_event().
 *
 * An event is immutable and reference counted, safe to share between
 * threads. Texts are UTF-8 (texts in other encodings are read as
 * Windows-1252, what Vector tools write on Western systems).
 */

G_DEFINE_BOXED_TYPE (CanopyLogEvent, canopy_log_event, canopy_log_event_ref, canopy_log_event_unref)

static CanopyLogEvent *
log_event_new (CanopyLogEventKind kind,
               gint64             timestamp_ns)
{
  CanopyLogEvent *self = g_new0 (CanopyLogEvent, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->timestamp_ns = timestamp_ns;
  return self;
}

/**
 * canopy_log_event_new_text:
 * @timestamp_ns: when, in nanoseconds since the Unix epoch
 * @source: what the text is, in BLF terms: 0 a measurement comment, 1
 *   channel information, 2 metadata, 3 an attachment, 4 a trace line
 * @text: the text
 *
 * Returns: (transfer full): a new application text
 */
CanopyLogEvent *
canopy_log_event_new_text (gint64      timestamp_ns,
                           guint       source,
                           const char *text)
{
  CanopyLogEvent *self;

  g_return_val_if_fail (text != NULL, NULL);

  self = log_event_new (CANOPY_LOG_EVENT_TEXT, timestamp_ns);
  self->source = source;
  self->text = g_strdup (text);
  return self;
}

/**
 * canopy_log_event_new_marker:
 * @timestamp_ns: when, in nanoseconds since the Unix epoch
 * @group: the marker's group (python-can puts its text there)
 * @marker: the marker's name
 * @description: its description
 *
 * Returns: (transfer full): a new marker, with the colours python-can
 *   gives markers
 */
CanopyLogEvent *
canopy_log_event_new_marker (gint64      timestamp_ns,
                             const char *group,
                             const char *marker,
                             const char *description)
{
  CanopyLogEvent *self;

  g_return_val_if_fail (group != NULL, NULL);
  g_return_val_if_fail (marker != NULL, NULL);
  g_return_val_if_fail (description != NULL, NULL);

  self = log_event_new (CANOPY_LOG_EVENT_MARKER, timestamp_ns);
  self->group = g_strdup (group);
  self->marker = g_strdup (marker);
  self->description = g_strdup (description);
  self->foreground = 0xFFFFFF;
  self->background = 0xFF3300;
  return self;
}

/**
 * canopy_log_event_ref:
 * @self: an event
 *
 * Returns: (transfer full): @self
 */
CanopyLogEvent *
canopy_log_event_ref (CanopyLogEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * canopy_log_event_unref:
 * @self: (transfer full): an event
 *
 * Drops a reference; the last one frees the event.
 */
void
canopy_log_event_unref (CanopyLogEvent *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->text);
  g_free (self->group);
  g_free (self->marker);
  g_free (self->description);
  g_free (self);
}

/**
 * canopy_log_event_get_kind:
 * @self: an event
 *
 * Returns: whether @self is a text or a marker
 */
CanopyLogEventKind
canopy_log_event_get_kind (const CanopyLogEvent *self)
{
  g_return_val_if_fail (self != NULL, CANOPY_LOG_EVENT_TEXT);

  return self->kind;
}

/**
 * canopy_log_event_get_timestamp_ns:
 * @self: an event
 *
 * Returns: when the event happened, in nanoseconds since the Unix epoch
 *   (or since the start of a log without a wall-clock start)
 */
gint64
canopy_log_event_get_timestamp_ns (const CanopyLogEvent *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->timestamp_ns;
}

/**
 * canopy_log_event_get_text:
 * @self: an event
 *
 * Returns: (nullable): the text of an application text, %NULL for a marker
 */
const char *
canopy_log_event_get_text (const CanopyLogEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->text;
}

/**
 * canopy_log_event_get_source:
 * @self: an event
 *
 * Returns: what an application text is (0 a measurement comment, 1 channel
 *   information, 2 metadata, 3 an attachment, 4 a trace line); 0 for a
 *   marker
 */
guint
canopy_log_event_get_source (const CanopyLogEvent *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->source;
}

/**
 * canopy_log_event_get_group:
 * @self: an event
 *
 * Returns: (nullable): a marker's group, %NULL for a text
 */
const char *
canopy_log_event_get_group (const CanopyLogEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->group;
}

/**
 * canopy_log_event_get_marker:
 * @self: an event
 *
 * Returns: (nullable): a marker's name, %NULL for a text
 */
const char *
canopy_log_event_get_marker (const CanopyLogEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->marker;
}

/**
 * canopy_log_event_get_description:
 * @self: an event
 *
 * Returns: (nullable): a marker's description, %NULL for a text
 */
const char *
canopy_log_event_get_description (const CanopyLogEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->description;
}
