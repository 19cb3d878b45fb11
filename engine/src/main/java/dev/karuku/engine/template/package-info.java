/// Chat templates rendered as the model's authors wrote them: [dev.karuku.engine.template.JinjaChatTemplate] runs a
/// model's `tokenizer.chat_template` (Jinja) the way Hugging Face's `transformers` does, with the globals and
/// filters those templates rely on; a template that refuses a conversation raises
/// [dev.karuku.engine.template.TemplateException.Raised] with its own words.
package dev.karuku.engine.template;
