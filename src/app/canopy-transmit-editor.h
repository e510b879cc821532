/* canopy-transmit-editor.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "canopy-transmit-message.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_TRANSMIT_EDITOR (canopy_transmit_editor_get_type ())

G_DECLARE_FINAL_TYPE (CanopyTransmitEditor, canopy_transmit_editor, CANOPY, TRANSMIT_EDITOR, GtkWindow)

CanopyTransmitEditor *canopy_transmit_editor_new (GtkWindow             *parent,
                                                  CanopyTransmitMessage *message);

G_END_DECLS
