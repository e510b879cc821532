/* canopy-message-queue.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-message-queue-private.h"

void
_canopy_message_queue_init (CanopyMessageQueue *queue,
                            guint               capacity)
{
  g_assert (capacity > 0);

  g_mutex_init (&queue->mutex);
  g_cond_init (&queue->cond);
  queue->ring = g_new (CanopyMessage, capacity);
  queue->capacity = capacity;
  queue->head = 0;
  queue->count = 0;
  queue->waiters = 0;
  queue->closed = FALSE;
  queue->dropped = 0;
}

void
_canopy_message_queue_clear (CanopyMessageQueue *queue)
{
  g_clear_pointer (&queue->ring, g_free);
  g_cond_clear (&queue->cond);
  g_mutex_clear (&queue->mutex);
}

/* The caller holds queue->mutex and, when *wake is set, calls
 * _canopy_message_queue_wake() after dropping it: a reader woken while the
 * writer still holds the lock would only block again on the mutex. Only a
 * reader that sleeps is woken, so a busy reader costs no system call. */
gboolean
_canopy_message_queue_append_locked (CanopyMessageQueue  *queue,
                                     const CanopyMessage *msg,
                                     gboolean            *wake)
{
  guint tail;

  *wake = FALSE;

  if G_UNLIKELY (queue->closed)
    return FALSE;

  if G_UNLIKELY (queue->count == queue->capacity)
    {
      queue->dropped++;
      return FALSE;
    }

  tail = queue->head + queue->count;
  if (tail >= queue->capacity)
    tail -= queue->capacity;
  queue->ring[tail] = *msg;
  queue->count++;

  *wake = queue->waiters > 0;

  return TRUE;
}

void
_canopy_message_queue_wake (CanopyMessageQueue *queue)
{
  g_cond_signal (&queue->cond);
}

/* The caller holds queue->mutex. */
gboolean
_canopy_message_queue_push_locked (CanopyMessageQueue  *queue,
                                   const CanopyMessage *msg)
{
  gboolean wake;
  gboolean ret;

  ret = _canopy_message_queue_append_locked (queue, msg, &wake);
  if (wake)
    _canopy_message_queue_wake (queue);

  return ret;
}

gboolean
_canopy_message_queue_push (CanopyMessageQueue  *queue,
                            const CanopyMessage *msg)
{
  gboolean wake;
  gboolean ret;

  g_mutex_lock (&queue->mutex);
  ret = _canopy_message_queue_append_locked (queue, msg, &wake);
  g_mutex_unlock (&queue->mutex);

  if (wake)
    _canopy_message_queue_wake (queue);

  return ret;
}

/* Takes up to @max_msgs frames under one lock, waiting up to @timeout for
 * the first: a reader that drains in batches leaves the lock to the writer
 * most of the time. Returns how many were taken; 0 with *closed set when the
 * queue was closed and is empty. */
guint
_canopy_message_queue_pop_many (CanopyMessageQueue *queue,
                                CanopyMessage      *msgs,
                                guint               max_msgs,
                                double              timeout,
                                gboolean           *closed)
{
  gint64 deadline = 0;
  guint n = 0;

  g_mutex_lock (&queue->mutex);

  if (queue->count == 0 && timeout > 0)
    deadline = g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);

  while (queue->count == 0 && !queue->closed && timeout != 0)
    {
      gboolean signalled;

      queue->waiters++;
      if (timeout < 0)
        {
          g_cond_wait (&queue->cond, &queue->mutex);
          signalled = TRUE;
        }
      else
        signalled = g_cond_wait_until (&queue->cond, &queue->mutex, deadline);
      queue->waiters--;

      if (!signalled && queue->count == 0)
        break;
    }

  while (n < max_msgs && queue->count > 0)
    {
      msgs[n++] = queue->ring[queue->head];
      queue->head = queue->head + 1 == queue->capacity ? 0 : queue->head + 1;
      queue->count--;
    }

  *closed = n == 0 && queue->closed;

  g_mutex_unlock (&queue->mutex);

  return n;
}

CanopyQueuePopResult
_canopy_message_queue_pop (CanopyMessageQueue *queue,
                           CanopyMessage      *msg,
                           double              timeout)
{
  gboolean closed;

  if (_canopy_message_queue_pop_many (queue, msg, 1, timeout, &closed) == 1)
    return CANOPY_QUEUE_POP_MESSAGE;
  return closed ? CANOPY_QUEUE_POP_CLOSED : CANOPY_QUEUE_POP_TIMEOUT;
}

void
_canopy_message_queue_close (CanopyMessageQueue *queue)
{
  g_mutex_lock (&queue->mutex);
  queue->closed = TRUE;
  g_cond_broadcast (&queue->cond);
  g_mutex_unlock (&queue->mutex);
}

guint64
_canopy_message_queue_get_dropped (CanopyMessageQueue *queue)
{
  guint64 dropped;

  g_mutex_lock (&queue->mutex);
  dropped = queue->dropped;
  g_mutex_unlock (&queue->mutex);

  return dropped;
}
