from rest_framework.permissions import DjangoModelPermissions


class ReadWriteModelPermissions(DjangoModelPermissions):
    """
    What a role may do through the API, from the Django model permissions of its
    groups, never from their names: reading needs the model's view permission,
    writing (POST) its change permission.

    Writing is ingesting posts. No role has add_post, since posts come from the
    platforms; change_post is the communication unit's, who runs the inbox. DRF's own
    map lets anyone logged in read, which would open the inbox to every employee.
    """

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.change_%(model_name)s"],
    }
