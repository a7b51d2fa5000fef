"""到期提醒: reminders that reach holders before their rights lapse (``flask portal send-reminders``)."""
