from django import forms


class FollowForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We mail a link to confirm; nothing else is sent before you click it.",
    )
