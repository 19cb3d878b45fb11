/// Conversations over a loaded model: [dev.karuku.engine.chat.ChatSession] renders the history with the model's
/// chat template ([dev.karuku.engine.chat.ChatTemplate], ChatML when the model has none) and reuses the KV cache
/// across turns, so each turn evaluates only its new tokens.
package dev.karuku.engine.chat;
