/* canopy-transmit-message-settings.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "canopy-transmit-message.h"

/* A transmit message as the window saves it in GSettings
 * (`transmit-messages`, aa{sv}): its definition, never whether it ran. */

GVariant *
canopy_transmit_message_to_variant (CanopyTransmitMessage *self)
{
  GVariantDict dict;
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (CANOPY_IS_TRANSMIT_MESSAGE (self), NULL);

  data = canopy_transmit_message_get_data (self, &len);

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "id", "u", canopy_transmit_message_get_id (self));
  g_variant_dict_insert (&dict, "extended", "b", canopy_transmit_message_get_extended (self));
  g_variant_dict_insert (&dict, "fd", "b", canopy_transmit_message_get_fd (self));
  g_variant_dict_insert (&dict, "brs", "b", canopy_transmit_message_get_brs (self));
  g_variant_dict_insert_value (&dict, "data",
                               g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, len, 1));
  g_variant_dict_insert (&dict, "period-ms", "d", canopy_transmit_message_get_period_ms (self));
  g_variant_dict_insert (&dict, "count", "u", canopy_transmit_message_get_count (self));
  g_variant_dict_insert (&dict, "duration", "d", canopy_transmit_message_get_duration (self));
  g_variant_dict_insert (&dict, "counter-byte", "i", canopy_transmit_message_get_counter_byte (self));

  return g_variant_dict_end (&dict);
}

/**
 * canopy_transmit_message_new_from_variant:
 * @dict: an `a{sv}` as canopy_transmit_message_to_variant() makes
 *
 * Keys left out keep their defaults; a definition that does not validate
 * (an edited settings file) is refused.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with @error set
 */
CanopyTransmitMessage *
canopy_transmit_message_new_from_variant (GVariant  *dict,
                                          GError   **error)
{
  g_autoptr(CanopyTransmitMessage) self = canopy_transmit_message_new ();
  g_autoptr(GVariant) data = NULL;
  GVariantDict lookup;
  guint32 id, count;
  gboolean flag;
  double number;
  gint32 index;

  g_return_val_if_fail (dict != NULL && g_variant_is_of_type (dict, G_VARIANT_TYPE_VARDICT), NULL);

  g_variant_dict_init (&lookup, dict);
  if (g_variant_dict_lookup (&lookup, "id", "u", &id))
    canopy_transmit_message_set_id (self, id);
  if (g_variant_dict_lookup (&lookup, "extended", "b", &flag))
    canopy_transmit_message_set_extended (self, flag);
  if (g_variant_dict_lookup (&lookup, "fd", "b", &flag))
    canopy_transmit_message_set_fd (self, flag);
  if (g_variant_dict_lookup (&lookup, "brs", "b", &flag))
    canopy_transmit_message_set_brs (self, flag);
  data = g_variant_dict_lookup_value (&lookup, "data", G_VARIANT_TYPE_BYTESTRING);
  if (data != NULL)
    {
      gsize len = 0;
      const guint8 *bytes = g_variant_get_fixed_array (data, &len, 1);

      if (len > CANOPY_MESSAGE_MAX_DATA)
        {
          g_variant_dict_clear (&lookup);
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       _("A saved message has %u data bytes, more than a frame can carry."), (guint) len);
          return NULL;
        }
      canopy_transmit_message_set_data (self, bytes, len);
    }
  if (g_variant_dict_lookup (&lookup, "period-ms", "d", &number) && isfinite (number))
    canopy_transmit_message_set_period_ms (self, number);
  if (g_variant_dict_lookup (&lookup, "count", "u", &count))
    canopy_transmit_message_set_count (self, count);
  if (g_variant_dict_lookup (&lookup, "duration", "d", &number) && isfinite (number) && number >= 0)
    canopy_transmit_message_set_duration (self, number);
  if (g_variant_dict_lookup (&lookup, "counter-byte", "i", &index))
    canopy_transmit_message_set_counter_byte (self, CLAMP (index, -1, CANOPY_MESSAGE_MAX_DATA - 1));
  g_variant_dict_clear (&lookup);

  if (!canopy_transmit_message_validate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}
