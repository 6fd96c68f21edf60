"""Corrections to other packages' Chinese, kept in the portal's own catalogue.

The portal's catalogue (LOCALE_PATHS) wins over the catalogues of installed packages, so a
message listed here is shown in the portal's wording wherever the package uses it: one form of
address (你), 邮箱 for e-mail, no stray spaces around a name, and no garbled text. The strings
are only marked here, never shown from here; their translations are in
locale/zh_Hans/LC_MESSAGES/django.po. The English msgids must stay exactly as the packages
write them, or, for a package's template copied under templates/account/ (a folder
`make messages` leaves out, as it holds allauth's words), as the copy writes them.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

# django-import-export: the roster and reading-list imports and the admin's exports.
IMPORT_EXPORT = (
    gettext_noop("Some rows failed to validate"),
    gettext_noop(
        "Please correct these errors in your data where possible, then reupload it "
        "using the form above."
    ),
    gettext_noop(
        "Below is a preview of data to be imported. If you are satisfied with the "
        "results, click 'Confirm import'"
    ),
    gettext_noop("Non field specific"),
    gettext_noop("%s through import_export"),
    gettext_noop("Select all"),
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen "
        "the correct format for the file."
    ),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("Value could not be parsed."),
    ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", 1),
)

# django-allauth: sign-in, e-mail addresses, passwords, two-factor, and their e-mails.
ALLAUTH = (
    gettext_noop("You cannot remove your primary email address."),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("Please type your current password."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("You cannot add more than %d email addresses."),
    gettext_noop("Your primary email address must be verified."),
    gettext_noop("The username and/or password you specified are not correct."),
    gettext_noop("Be patient, you are sending too many requests."),
    gettext_noop("Use your password"),
    gettext_noop("Marked {email} as verified."),
    gettext_noop("Failed to mark {email} as verified."),
    gettext_noop("Accounts"),
    gettext_noop("Hello from %(site_name)s!"),
    gettext_noop("Email"),
    gettext_noop("Make Primary"),
    gettext_noop("Request Code"),
    gettext_noop("Two-Factor Authentication"),
    gettext_noop("A new set of Two-Factor Authentication recovery codes has been generated."),
    gettext_noop("Username or email"),
    gettext_noop(
        "You cannot add an email address to an account protected by two-factor authentication."
    ),
    gettext_noop("You cannot deactivate two-factor authentication."),
    gettext_noop(
        "You cannot generate recovery codes without having two-factor authentication enabled."
    ),
    gettext_noop(
        "You cannot activate two-factor authentication until you have verified your email address."
    ),
    gettext_noop("Please reauthenticate to safeguard your account."),
    gettext_noop("Email Addresses"),
    gettext_noop("The following email addresses are associated with your account:"),
    gettext_noop("Primary"),
    gettext_noop("Re-send Verification"),
    gettext_noop("Add Email Address"),
    gettext_noop("Add Email"),
    gettext_noop("Do you really want to remove the selected email address?"),
    gettext_noop(
        "You are receiving this email because you or someone else tried to signup for "
        "an\n"
        "account using email address:\n\n"
        "%(email)s\n\n"
        "However, an account using that email address already exists.  In case you "
        "have\n"
        "forgotten about this, please use the password forgotten procedure to recover\n"
        "your account:\n\n"
        "%(password_reset_url)s"
    ),
    gettext_noop("Account Already Exists"),
    gettext_noop("Thank you for using %(site_name)s!\n%(site_domain)s"),
    gettext_noop(
        "You are receiving this mail because the following change was made to your account:"
    ),
    gettext_noop(
        "If you do not recognize this change then please take proper security "
        "precautions immediately. The change to your account originates from:\n\n"
        "- IP address: %(ip)s\n"
        "- Browser: %(user_agent)s\n"
        "- Date: %(timestamp)s"
    ),
    gettext_noop("Your email has been changed from %(from_email)s to %(to_email)s."),
    gettext_noop("Email Changed"),
    gettext_noop("Your email has been confirmed."),
    gettext_noop("Email Confirmation"),
    gettext_noop(
        "You're receiving this email because user %(user_display)s has given your "
        "email address to register an account on %(site_domain)s."
    ),
    gettext_noop(
        "Your email verification code is listed below. Please enter it in your open browser window."
    ),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop("Email address %(deleted_email)s has been removed from your account."),
    gettext_noop("Email Removed"),
    gettext_noop("Your sign-in code is listed below. Please enter it in your open browser window."),
    gettext_noop("This mail can be safely ignored if you did not initiate this action."),
    gettext_noop("Your password has been changed."),
    gettext_noop(
        "Your password reset code is listed below. Please enter it in your open browser window."
    ),
    gettext_noop(
        "You're receiving this email because you or someone else has requested a "
        "password reset for your user account.\n"
        "It can be safely ignored if you did not request a password reset. Click the "
        "link below to reset your password."
    ),
    gettext_noop("In case you forgot, your username is %(username)s."),
    gettext_noop("Your password has been reset."),
    gettext_noop("Your password has been set."),
    gettext_noop(
        "You are receiving this email because you, or someone else, tried to access an "
        "account with email %(email)s. However, we do not have any record of such an "
        "account in our database."
    ),
    gettext_noop("If it was you, you can sign up for an account using the link below."),
    gettext_noop("Email Address"),
    gettext_noop("Current email"),
    gettext_noop("Your email address is still pending verification."),
    gettext_noop("Change Email"),
    gettext_noop("Confirm Email Address"),
    gettext_noop(
        'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email '
        "address for user %(user_display)s."
    ),
    gettext_noop(
        "Unable to confirm %(email)s because it is already confirmed by a different account."
    ),
    gettext_noop(
        "This email confirmation link expired or is invalid. Please <a "
        'href="%(email_url)s">issue a new email confirmation request</a>.'
    ),
    gettext_noop(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."
    ),
    gettext_noop("Are you sure you want to sign out?"),
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Removed email address %(email)s."),
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("You have signed out."),
    gettext_noop("Primary email address set."),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you "
        "an email allowing you to reset it."
    ),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam "
        "folder. Otherwise contact us if you do not receive it in a few minutes."
    ),
    gettext_noop("Bad Token"),
    gettext_noop("Your password is now changed."),
    gettext_noop("Enter your password:"),
    gettext_noop("You will receive a special code for a password-free sign-in."),
    gettext_noop("You are already logged in as %(user_display)s."),
    gettext_noop(
        "You currently do not have any email address set up. You should really add an "
        "email address so you can receive notifications, reset your password, etc."
    ),
    gettext_noop("Verify Your Email Address"),
    gettext_noop(
        "We have sent an email to you for verification. Follow the link provided to "
        "finalize the signup process. If you do not see the verification email in your "
        "main inbox, check your spam folder. Please contact us if you do not receive "
        "the verification email within a few minutes."
    ),
    gettext_noop(
        "This part of the site requires us to verify that\n"
        "you are who you claim to be. For this purpose, we require that you\n"
        "verify ownership of your email address. "
    ),
    gettext_noop(
        "We have sent an email to you for\n"
        "verification. Please click on the link inside that email. If you do not see "
        "the verification email in your main inbox, check your spam folder. Otherwise\n"
        "contact us if you do not receive it within a few minutes."
    ),
    gettext_noop(
        '<strong>Note:</strong> you can still <a href="%(email_url)s">change your '
        "email address</a>."
    ),
    gettext_noop(
        "Your account is protected by two-factor authentication. Please enter an "
        "authenticator code:"
    ),
    gettext_noop("You are about to generate a new set of recovery codes for your account."),
    gettext_noop("This action will invalidate your existing codes."),
    gettext_noop(
        "To protect your account with two-factor authentication, scan the QR code "
        "below with your authenticator app. Then, input the verification code "
        "generated by the app below."
    ),
    gettext_noop(
        "You can store this secret and use it to reinstall your authenticator app at a later time."
    ),
    gettext_noop(
        "You are about to deactivate authenticator app based authentication. Are you sure?"
    ),
    gettext_noop(
        "If you choose to trust this browser, you will not be asked for a verification "
        "code the next time you sign in."
    ),
    # Signing in with a code sent by e-mail: 验证码 throughout, as the e-mails say.
    gettext_noop("Send me a sign-in code"),
    gettext_noop("Enter Sign-In Code"),
    gettext_noop("A sign-in code has been sent to %(recipient)s."),
    gettext_noop(
        "We've sent a code to %(recipient)s. The code expires shortly, so please enter it soon."
    ),
    gettext_noop("Request new code"),
    gettext_noop("Code"),
    gettext_noop("Incorrect code."),
    # templates/account/snippets/already_logged_in.html: one sentence, so that the Chinese has
    # its own colon (allauth's "Note" and ":" apart read "注意:").
    gettext_noop("<strong>Note:</strong> you are already signed in as %(user_display)s."),
)

# Django: form errors and the admin.
DJANGO = (
    gettext_noop("Enter a valid email address."),
    gettext_noop("Email address"),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
    gettext_noop("You may edit it again below."),
    gettext_noop("Forgotten your password or username?"),
    gettext_noop("Thanks for spending some quality time with the web site today."),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        1,
    ),
    gettext_noop("Error:"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),  # noqa: RUF001
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # A list filter's heading: 按状态, not 以 状态.
    gettext_noop(" By %(filter_title)s "),
)

# django-simple-history: the admin's history of a row (its templates are overridden in
# templates/simple_history/, whose own strings are collected from there).
SIMPLE_HISTORY = (
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("View history: %s"),
    gettext_noop("Change history: %s"),
)

# django-celery-beat: the periodic tasks' form, whose headings its catalogue leaves in English
# ("Schedule" read 发布, the portal's word for scheduling an activity, before that button took a
# context). Its "Task Name" and "Scheduler", never translated by the package, are put through
# the catalogue in common.admin_words.
CELERY_BEAT = (
    gettext_noop("Schedule"),
    gettext_noop("Arguments"),
    gettext_noop("Execution Options"),
    gettext_noop("Periodic Tasks Using This Schedule"),
)

OVERRIDES = (*IMPORT_EXPORT, *ALLAUTH, *DJANGO, *SIMPLE_HISTORY, *CELERY_BEAT)
