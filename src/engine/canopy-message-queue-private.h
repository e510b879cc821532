/* canopy-message-queue-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-message.h"

G_BEGIN_DECLS

/* A bounded ring of frames between threads. Pushing into a full queue drops
 * the frame and counts it, so memory never grows with a slow reader; the
 * ring is allocated once, so no frame costs an allocation. */
typedef struct
{
  GMutex         mutex;
  GCond          cond;
  CanopyMessage *ring;
  guint          capacity;
  guint          head;
  guint          count;
  guint          waiters;
  gboolean       closed;
  guint64        dropped;
} CanopyMessageQueue;

typedef enum
{
  CANOPY_QUEUE_POP_TIMEOUT,
  CANOPY_QUEUE_POP_MESSAGE,
  CANOPY_QUEUE_POP_CLOSED,
} CanopyQueuePopResult;

void                 _canopy_message_queue_init        (CanopyMessageQueue  *queue,
                                                        guint                capacity);
void                 _canopy_message_queue_clear       (CanopyMessageQueue  *queue);
gboolean             _canopy_message_queue_push        (CanopyMessageQueue  *queue,
                                                        const CanopyMessage *msg);
gboolean             _canopy_message_queue_append_locked (CanopyMessageQueue  *queue,
                                                          const CanopyMessage *msg,
                                                          gboolean            *wake);
void                 _canopy_message_queue_wake        (CanopyMessageQueue  *queue);
gboolean             _canopy_message_queue_push_locked (CanopyMessageQueue  *queue,
                                                        const CanopyMessage *msg);
CanopyQueuePopResult _canopy_message_queue_pop         (CanopyMessageQueue  *queue,
                                                        CanopyMessage       *msg,
                                                        double               timeout);
guint                _canopy_message_queue_pop_many    (CanopyMessageQueue  *queue,
                                                        CanopyMessage       *msgs,
                                                        guint                max_msgs,
                                                        double               timeout,
                                                        gboolean            *closed);
void                 _canopy_message_queue_close       (CanopyMessageQueue  *queue);
guint64              _canopy_message_queue_get_dropped (CanopyMessageQueue  *queue);

G_END_DECLS
