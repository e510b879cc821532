/* canopy-frame-item.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-frame-item.h"

/**
 * CanopyFrameItem:
 *
 * One frame as an item of a [iface@Gio.ListModel]: the row object that the
 * capture store, the log document and similar models make on demand, only
 * for the rows a view shows. The models themselves keep frames in compact
 * arrays, never as objects.
 */
struct _CanopyFrameItem
{
  GObject       parent_instance;

  CanopyMessage message;
  guint64       position;
};

enum {
  PROP_0,
  PROP_MESSAGE,
  PROP_POSITION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyFrameItem, canopy_frame_item, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
canopy_frame_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CanopyFrameItem *self = CANOPY_FRAME_ITEM (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      g_value_set_boxed (value, canopy_frame_item_get_message (self));
      break;

    case PROP_POSITION:
      g_value_set_uint64 (value, canopy_frame_item_get_position (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_frame_item_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CanopyFrameItem *self = CANOPY_FRAME_ITEM (object);
  const CanopyMessage *message;

  switch (prop_id)
    {
    case PROP_MESSAGE:
      if ((message = g_value_get_boxed (value)) != NULL)
        self->message = *message;
      break;

    case PROP_POSITION:
      self->position = g_value_get_uint64 (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_frame_item_class_init (CanopyFrameItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = canopy_frame_item_get_property;
  object_class->set_property = canopy_frame_item_set_property;

  /**
   * CanopyFrameItem:message:
   *
   * The frame.
   */
  properties[PROP_MESSAGE] =
    g_param_spec_boxed ("message", NULL, NULL,
                        CANOPY_TYPE_MESSAGE,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyFrameItem:position:
   *
   * The frame's position in its source: the frame number in a capture
   * (counted from the first frame ever captured, so it stays the same when
   * a ring drops older frames) or in a log file.
   */
  properties[PROP_POSITION] =
    g_param_spec_uint64 ("position", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_frame_item_init (CanopyFrameItem *self)
{
}

/**
 * canopy_frame_item_new:
 * @message: the frame (copied)
 * @position: its position in its source
 *
 * Returns: (transfer full): a new item
 */
CanopyFrameItem *
canopy_frame_item_new (const CanopyMessage *message,
                       guint64              position)
{
  g_return_val_if_fail (message != NULL, NULL);

  return g_object_new (CANOPY_TYPE_FRAME_ITEM,
                       "message", message,
                       "position", position,
                       NULL);
}

/**
 * canopy_frame_item_get_message:
 * @self: a #CanopyFrameItem
 *
 * Returns: (transfer none): the frame, valid as long as @self
 */
const CanopyMessage *
canopy_frame_item_get_message (CanopyFrameItem *self)
{
  g_return_val_if_fail (CANOPY_IS_FRAME_ITEM (self), NULL);

  return &self->message;
}

/**
 * canopy_frame_item_get_position:
 * @self: a #CanopyFrameItem
 *
 * Returns: the frame's position in its source
 */
guint64
canopy_frame_item_get_position (CanopyFrameItem *self)
{
  g_return_val_if_fail (CANOPY_IS_FRAME_ITEM (self), 0);

  return self->position;
}
