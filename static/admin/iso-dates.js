"use strict";
// The admin's calendar and "Today" link write dates in the first input format of the
// language; every curated form reads YYYY-MM-DD, so they write that.
if (window.django && window.django.formats) {
    window.django.formats.DATE_INPUT_FORMATS = ["%Y-%m-%d"];
}
