/* canopy-notify-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Coalesced property notification on the main context of whoever listens.
 *
 * Engine objects change their counters on worker threads (a receive loop,
 * the cyclic scheduler, a loader), many thousand times a second. Calling
 * g_object_notify() there would run handlers on the wrong thread and flood
 * the UI. Instead a worker marks properties dirty with
 * _canopy_notify_queue_add(), which takes a lock, sets a bit and arms one
 * GSource — nothing is allocated — and the source, dispatched on the
 * context the object was made on, emits each dirty property once, at most
 * once per @min_interval_usec.
 *
 * An optional @flush function runs on that context at every dispatch before
 * the notifications, for objects that have more to publish than properties
 * (a list model emitting ::items-changed in batches). It is called even when
 * no property is dirty, after _canopy_notify_queue_schedule().
 *
 * The queue holds a weak reference on the object: it never keeps it alive.
 * Free it in dispose, after the worker threads that call add() have stopped.
 */
typedef struct _CanopyNotifyQueue CanopyNotifyQueue;

typedef void (*CanopyNotifyFlushFunc) (GObject *object);

/* Up to this many distinct properties per queue. */
#define CANOPY_NOTIFY_QUEUE_MAX_PROPERTIES 32

CanopyNotifyQueue *_canopy_notify_queue_new        (GObject               *object,
                                                    GMainContext          *context,
                                                    gint64                 min_interval_usec,
                                                    CanopyNotifyFlushFunc  flush);
void               _canopy_notify_queue_add        (CanopyNotifyQueue     *queue,
                                                    GParamSpec            *pspec);
void               _canopy_notify_queue_add_urgent (CanopyNotifyQueue     *queue,
                                                    GParamSpec            *pspec);
void               _canopy_notify_queue_schedule   (CanopyNotifyQueue     *queue);
void               _canopy_notify_queue_set_min_interval (CanopyNotifyQueue *queue,
                                                          gint64             min_interval_usec);
void               _canopy_notify_queue_free       (CanopyNotifyQueue     *queue);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyNotifyQueue, _canopy_notify_queue_free)

G_END_DECLS
